// Fits a linear regression of the target column "y" on the named attribute columns of a CSV table (ordinary
// least squares through the normal equations) and writes model.json: the intercept and one coefficient per
// attribute. args: <training.csv> <output folder> <attribute>... ("bmi" for the single model, "bmi ltg" for
// the multiple one).
using System.Globalization;
using System.Text.Json;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: train.cs <training.csv> <output folder> <attribute>...");
    return 2;
}

var (csv, output, attributes) = (args[0], args[1], args[2..]);
var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
var header = lines[0].Split(',');
int Column(string name) => Array.IndexOf(header, name) is var i and >= 0
    ? i
    : throw new InvalidDataException($"{csv}: no column '{name}' in header '{lines[0]}'");
var (columns, target) = (attributes.Select(Column).ToArray(), Column("y"));

// X'X b = X'y with a leading 1 in every row for the intercept.
var k = columns.Length + 1;
var xtx = new double[k, k];
var xty = new double[k];
foreach (var line in lines.Skip(1))
{
    var cells = line.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
    var x = columns.Select(c => cells[c]).Prepend(1.0).ToArray();
    for (var i = 0; i < k; i++)
    {
        xty[i] += x[i] * cells[target];
        for (var j = 0; j < k; j++)
        {
            xtx[i, j] += x[i] * x[j];
        }
    }
}

var b = Solve(xtx, xty);
var modelFile = Path.Combine(output, "model.json");
using (var stream = File.Create(modelFile))
using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 4 }))
{
    json.WriteStartObject();
    json.WriteNumber("intercept", b[0]);
    json.WriteStartArray("coefficients");
    for (var i = 0; i < attributes.Length; i++)
    {
        json.WriteStartObject();
        json.WriteString("name", attributes[i]);
        json.WriteNumber("coefficient", b[i + 1]);
        json.WriteEndObject();
    }

    json.WriteEndArray();
    json.WriteEndObject();
}

File.AppendAllText(modelFile, "\n");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"fit y = {b[0]} + {string.Join(" + ", attributes.Select((a, i) => $"{b[i + 1]}*{a}"))} on {lines.Length - 1} rows"));
return 0;

// Gaussian elimination with partial pivoting.
static double[] Solve(double[,] a, double[] rhs)
{
    var n = rhs.Length;
    for (var p = 0; p < n; p++)
    {
        var max = Enumerable.Range(p, n - p).MaxBy(r => Math.Abs(a[r, p]));
        if (Math.Abs(a[max, p]) < 1e-12)
        {
            throw new InvalidDataException("the attributes are linearly dependent: no unique fit");
        }

        for (var j = 0; j < n; j++)
        {
            (a[p, j], a[max, j]) = (a[max, j], a[p, j]);
        }

        (rhs[p], rhs[max]) = (rhs[max], rhs[p]);
        for (var r = p + 1; r < n; r++)
        {
            var f = a[r, p] / a[p, p];
            for (var j = p; j < n; j++)
            {
                a[r, j] -= f * a[p, j];
            }

            rhs[r] -= f * rhs[p];
        }
    }

    var x = new double[n];
    for (var r = n - 1; r >= 0; r--)
    {
        var sum = rhs[r];
        for (var j = r + 1; j < n; j++)
        {
            sum -= a[r, j] * x[j];
        }

        x[r] = sum / a[r, r];
    }

    return x;
}
