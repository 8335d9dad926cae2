// Reads rows "RM,LSTAT,PTRATIO,MEDV" from every file in args[0] (this datum's files) and writes
// args[1]/<file>.json with the row count and the mean RM and MEDV. A row without four numbers is an error:
// the datum fails, the job publishes nothing, and the previous output stays.
using System.Globalization;

var (input, output) = (args[0], args[1]);
foreach (var file in Directory.GetFiles(input))
{
    var rows = File.ReadAllLines(file).Where(line => line.Length > 0).Select((line, i) =>
    {
        var cells = line.Split(',');
        if (cells.Length != 4)
        {
            throw new InvalidDataException($"{Path.GetFileName(file)} row {i + 1}: expected 4 columns, found {cells.Length}: '{line}'");
        }

        return cells.Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
    }).ToList();
    var json = string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"rows\": {rows.Count}, \"meanRooms\": {rows.Average(r => r[0]):0.###}, \"meanValue\": {rows.Average(r => r[3]):0.#}}}\n");
    File.WriteAllText(Path.Combine(output, Path.GetFileName(file) + ".json"), json);
    Console.Write($"{Path.GetFileName(file)}: {json}");
}
