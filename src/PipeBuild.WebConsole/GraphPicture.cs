using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Msagl.Core.Geometry;
using Microsoft.Msagl.Core.Geometry.Curves;
using Microsoft.Msagl.Core.Layout;
using Microsoft.Msagl.Core.Routing;
using Microsoft.Msagl.Layout.Layered;
using Microsoft.Msagl.Miscellaneous;
using PipeBuild.Engine;

namespace PipeBuild.WebConsole;

/// <summary>How a pipeline stands, as the graph colours it.</summary>
public enum NodeState
{
    /// <summary>An input repo no pipeline writes.</summary>
    Repo,
    UpToDate,
    OutOfDate,
    Running,
    Failed,

    /// <summary>No input commit yet: nothing to run.</summary>
    Waiting,
}

/// <summary>A node of the pipeline graph: an input repo, or a pipeline (standing for its output repo too).</summary>
/// <param name="Title">what a pointer over the node shows (the staleness reason, the job's progress)</param>
public sealed record GraphNode(string Name, NodeState State, string? Title = null)
{
    public bool IsPipeline => State != NodeState.Repo;
}

/// <summary>
/// The pipeline graph as a picture: repos a pipeline reads point to it, and a pipeline reading another's output
/// repo is drawn downstream of it. Laid out by MSAGL's layered (Sugiyama) layout, left to right, and written as
/// SVG (the console's page and <c>dag --format svg</c>), or as Mermaid or Graphviz text for a README or CI summary.
/// </summary>
public sealed class GraphPicture
{
    private const double CharWidth = 7.5;
    private const double NodeHeight = 34;

    private GraphPicture(IReadOnlyList<GraphNode> nodes, IReadOnlyList<(string From, string To)> edges)
    {
        Nodes = nodes;
        Edges = edges;
    }

    public IReadOnlyList<GraphNode> Nodes { get; }

    public IReadOnlyList<(string From, string To)> Edges { get; }

    /// <summary>The graph of <paramref name="pipelines"/>; a pipeline missing from <paramref name="states"/> is up to date.</summary>
    public static GraphPicture Of(IReadOnlyList<PipelineDocument> pipelines, IReadOnlyDictionary<string, GraphNode>? states = null)
    {
        var ordered = PipelineGraph.Order(pipelines);
        var names = ordered.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var nodes = ordered.SelectMany(p => p.InputRepos).Where(r => !names.Contains(r)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(r => new GraphNode(r, NodeState.Repo))
            .Concat(ordered.Select(p => states?.GetValueOrDefault(p.Name) ?? new GraphNode(p.Name, NodeState.UpToDate)))
            .ToList();
        var edges = ordered.SelectMany(p => p.InputRepos.Distinct(StringComparer.Ordinal).Select(r => (r, p.Name))).ToList();
        return new GraphPicture(nodes, edges);
    }

    /// <summary>
    /// An SVG drawing. Each node is a link (<paramref name="link"/> gives its address; none when null) carrying the
    /// CSS classes <c>node</c>, <c>repo</c> or <c>pipeline</c>, and its state (<c>up-to-date</c>, <c>out-of-date</c>,
    /// <c>running</c>, <c>failed</c>, <c>waiting</c>), with colours of its own so the file stands alone.
    /// </summary>
    public string ToSvg(Func<GraphNode, string?>? link = null)
    {
        var graph = new GeometryGraph();
        var byName = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            var width = Math.Max(60, (node.Name.Length * CharWidth) + 28);
            var curve = node.IsPipeline
                ? CurveFactory.CreateRectangleWithRoundedCorners(width, NodeHeight, 6, 6, new Point())
                : CurveFactory.CreateEllipse(width / 2, NodeHeight / 2, new Point());
            byName[node.Name] = new Node(curve, node);
            graph.Nodes.Add(byName[node.Name]);
        }

        foreach (var (from, to) in Edges)
        {
            var edge = new Edge(byName[from], byName[to]);
            edge.EdgeGeometry.TargetArrowhead = new Arrowhead { Length = 8 };
            graph.Edges.Add(edge);
        }

        if (Nodes.Count > 0)
        {
            var settings = new SugiyamaLayoutSettings
            {
                Transformation = PlaneTransformation.Rotation(Math.PI / 2), // layers left to right
                NodeSeparation = 24,
                LayerSeparation = 48,
                EdgeRoutingSettings = { EdgeRoutingMode = EdgeRoutingMode.SugiyamaSplines },
            };
            LayoutHelpers.CalculateLayout(graph, settings, null);
        }

        const double margin = 12;
        var box = Nodes.Count > 0 ? graph.BoundingBox : new Rectangle(0, 0, 0, 0);
        string X(double x) => (x - box.Left + margin).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(double y) => (box.Top - y + margin).ToString("0.#", CultureInfo.InvariantCulture); // MSAGL's y grows upwards
        string Size(double size) => (size + (2 * margin)).ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" class="dag" width="{Size(box.Width)}" height="{Size(box.Height)}" viewBox="0 0 {Size(box.Width)} {Size(box.Height)}" font-family="system-ui, sans-serif" font-size="13">""");
        svg.Append("<style>.edge{fill:none;stroke:#667}.arrow{fill:#667}.node text{fill:#111}.repo ellipse{fill:#eef2f7;stroke:#8899aa}")
            .Append(".pipeline rect{stroke-width:2}.up-to-date rect{fill:#e3f6e8;stroke:#2e8540}.out-of-date rect{fill:#fff4d6;stroke:#b07d00}")
            .Append(".running rect{fill:#dcecff;stroke:#1f6feb}.failed rect{fill:#fde2e1;stroke:#cf222e}.waiting rect{fill:#f6f8fa;stroke:#8c959f}</style>");
        foreach (var edge in graph.Edges)
        {
            svg.Append("<path class=\"edge\" d=\"").Append(PathData(edge.Curve, X, Y)).Append("\"/>");
            if (edge.EdgeGeometry.TargetArrowhead is { } head)
            {
                var tip = head.TipPosition;
                var start = edge.Curve.End;
                var along = tip - start;
                var across = new Point(-along.Y, along.X) * 0.45;
                svg.Append("<polygon class=\"arrow\" points=\"")
                    .Append(X(tip.X)).Append(',').Append(Y(tip.Y)).Append(' ')
                    .Append(X(start.X + across.X)).Append(',').Append(Y(start.Y + across.Y)).Append(' ')
                    .Append(X(start.X - across.X)).Append(',').Append(Y(start.Y - across.Y)).Append("\"/>");
            }
        }

        foreach (var node in graph.Nodes)
        {
            var data = (GraphNode)node.UserData;
            var href = link?.Invoke(data);
            var classes = $"node {(data.IsPipeline ? "pipeline" : "repo")} {StateClass(data.State)}";
            svg.Append(href is null ? "<g" : $"<a href=\"{Escape(href)}\"").Append(" class=\"").Append(classes).Append("\" data-name=\"").Append(Escape(data.Name)).Append("\">");
            svg.Append("<title>").Append(Escape(data.Title ?? data.Name)).Append("</title>");
            var b = node.BoundingBox;
            if (data.IsPipeline)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(b.Left)}\" y=\"{Y(b.Top)}\" width=\"{b.Width:0.#}\" height=\"{b.Height:0.#}\" rx=\"6\"/>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<ellipse cx=\"{X(node.Center.X)}\" cy=\"{Y(node.Center.Y)}\" rx=\"{b.Width / 2:0.#}\" ry=\"{b.Height / 2:0.#}\"/>");
            }

            svg.Append("<text x=\"").Append(X(node.Center.X)).Append("\" y=\"").Append(Y(node.Center.Y)).Append("\" text-anchor=\"middle\" dominant-baseline=\"central\">")
                .Append(Escape(data.Name)).Append("</text>").Append(href is null ? "</g>" : "</a>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>A Mermaid flowchart (GitHub renders it in Markdown).</summary>
    public string ToMermaid()
    {
        var text = new StringBuilder("flowchart LR\n");
        var ids = Ids();
        foreach (var node in Nodes)
        {
            var label = node.Name.Replace("\"", "#quot;", StringComparison.Ordinal);
            text.Append("  ").Append(ids[node.Name]).Append(node.IsPipeline ? $"[\"{label}\"]" : $"([\"{label}\"])").Append(":::").Append(StateClass(node.State)).Append('\n');
        }

        foreach (var (from, to) in Edges)
        {
            text.Append("  ").Append(ids[from]).Append(" --> ").Append(ids[to]).Append('\n');
        }

        return text.Append("  classDef repo fill:#eef2f7,stroke:#8899aa\n")
            .Append("  classDef up-to-date fill:#e3f6e8,stroke:#2e8540\n")
            .Append("  classDef out-of-date fill:#fff4d6,stroke:#b07d00\n")
            .Append("  classDef running fill:#dcecff,stroke:#1f6feb\n")
            .Append("  classDef failed fill:#fde2e1,stroke:#cf222e\n")
            .Append("  classDef waiting fill:#f6f8fa,stroke:#8c959f\n").ToString();
    }

    /// <summary>A Graphviz digraph (<c>dot -Tpng</c>).</summary>
    public string ToDot()
    {
        var text = new StringBuilder("digraph pipelines {\n  rankdir=LR;\n  node [fontname=\"sans-serif\"];\n");
        foreach (var node in Nodes)
        {
            var (fill, stroke) = Colours(node.State);
            text.Append("  ").Append(DotId(node.Name))
                .Append(node.IsPipeline ? " [shape=box, style=\"rounded,filled\"" : " [shape=ellipse, style=filled")
                .Append(", fillcolor=\"").Append(fill).Append("\", color=\"").Append(stroke).Append("\"];\n");
        }

        foreach (var (from, to) in Edges)
        {
            text.Append("  ").Append(DotId(from)).Append(" -> ").Append(DotId(to)).Append(";\n");
        }

        return text.Append("}\n").ToString();
    }

    public static string StateClass(NodeState state) => state switch
    {
        NodeState.Repo => "repo",
        NodeState.UpToDate => "up-to-date",
        NodeState.OutOfDate => "out-of-date",
        NodeState.Running => "running",
        NodeState.Waiting => "waiting",
        _ => "failed",
    };

    private static (string Fill, string Stroke) Colours(NodeState state) => state switch
    {
        NodeState.Repo => ("#eef2f7", "#8899aa"),
        NodeState.UpToDate => ("#e3f6e8", "#2e8540"),
        NodeState.OutOfDate => ("#fff4d6", "#b07d00"),
        NodeState.Running => ("#dcecff", "#1f6feb"),
        NodeState.Waiting => ("#f6f8fa", "#8c959f"),
        _ => ("#fde2e1", "#cf222e"),
    };

    /// <summary>Mermaid ids: names may hold characters Mermaid reads as syntax, so nodes get n0, n1, ...</summary>
    private Dictionary<string, string> Ids() =>
        Nodes.Select((n, i) => (n.Name, Id: $"n{i}")).ToDictionary(x => x.Name, x => x.Id, StringComparer.Ordinal);

    private static string DotId(string name) => "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>An SVG path of an MSAGL curve: its line and cubic Bézier segments as they are, anything else sampled.</summary>
    private static string PathData(ICurve curve, Func<double, string> x, Func<double, string> y)
    {
        var path = new StringBuilder();
        path.Append('M').Append(x(curve.Start.X)).Append(',').Append(y(curve.Start.Y));
        IEnumerable<ICurve> segments = curve is Curve c ? c.Segments : [curve];
        foreach (var segment in segments)
        {
            switch (segment)
            {
                case LineSegment line:
                    path.Append(" L").Append(x(line.End.X)).Append(',').Append(y(line.End.Y));
                    break;
                case CubicBezierSegment bezier:
                    path.Append(" C");
                    for (var i = 1; i <= 3; i++)
                    {
                        var point = bezier.B(i);
                        path.Append(x(point.X)).Append(',').Append(y(point.Y)).Append(i < 3 ? " " : "");
                    }

                    break;
                default:
                    for (var i = 1; i <= 8; i++)
                    {
                        var point = segment[segment.ParStart + ((segment.ParEnd - segment.ParStart) * i / 8)];
                        path.Append(" L").Append(x(point.X)).Append(',').Append(y(point.Y));
                    }

                    break;
            }
        }

        return path.ToString();
    }
}
