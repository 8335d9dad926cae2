// Writes "<lines> <words>" for every file of this datum: args[0] is the datum's input folder, args[1] the output
// folder. A .NET 10 file-based app: `dotnet run --file transform.cs` needs nothing but the SDK.
var (source, output) = (args[0], args[1]);
foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
{
    var text = File.ReadAllText(file);
    var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
    File.WriteAllText(Path.Combine(output, Path.GetFileName(file) + ".count"), $"{text.Count(c => c == '\n')} {words}\n");
}
