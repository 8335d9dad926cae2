// Predicts diabetes progression with a model.json from train.cs for every attributes file (*.json) in a folder:
// writes <output>/<same name>.json with "predicted_diabetes_progression" and the attributes it used.
// args: <model.json> <attributes folder> <output folder>. An attribute the model needs but the file lacks is an
// error; attributes the model does not use are ignored for the prediction and echoed back.
using System.Globalization;
using System.Text.Json;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: predict.cs <model.json> <attributes folder> <output folder>");
    return 2;
}

var (modelFile, attributes, output) = (args[0], args[1], args[2]);
using var model = JsonDocument.Parse(File.ReadAllText(modelFile));
var intercept = model.RootElement.GetProperty("intercept").GetDouble();
var coefficients = model.RootElement.GetProperty("coefficients").EnumerateArray()
    .Select(c => (Name: c.GetProperty("name").GetString()!, Value: c.GetProperty("coefficient").GetDouble()))
    .ToArray();

foreach (var file in Directory.EnumerateFiles(attributes, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
{
    using var input = JsonDocument.Parse(File.ReadAllText(file));
    var variables = input.RootElement.GetProperty("independent_variables");
    var values = variables.EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("value").GetDouble());
    var prediction = intercept + coefficients.Sum(c => values.TryGetValue(c.Name, out var v)
        ? c.Value * v
        : throw new InvalidDataException($"{Path.GetFileName(file)}: no value for '{c.Name}', which the model uses"));

    var target = Path.Combine(output, Path.GetRelativePath(attributes, file));
    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    using (var stream = File.Create(target))
    using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 4 }))
    {
        json.WriteStartObject();
        json.WriteNumber("predicted_diabetes_progression", prediction);
        json.WritePropertyName("independent_variables");
        variables.WriteTo(json);
        json.WriteEndObject();
    }

    File.AppendAllText(target, "\n");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}: {prediction}"));
}

return 0;
