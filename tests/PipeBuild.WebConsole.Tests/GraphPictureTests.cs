using System.Xml.Linq;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.WebConsole.Tests;

/// <summary>The graph as pictures: exact Mermaid and Graphviz text, and an SVG laid out left to right.</summary>
public sealed class GraphPictureTests
{
    private static readonly GraphPicture Picture = GraphPicture.Of(
        [Pipeline("count", "upper"), Pipeline("upper", "data")],
        new Dictionary<string, GraphNode> { ["upper"] = new("upper", NodeState.Failed, "last job failed") });

    [Fact]
    public void Mermaid_has_a_node_per_repo_and_pipeline_and_an_edge_per_input()
    {
        Assert.Equal(
            """
            flowchart LR
              n0(["data"]):::repo
              n1["upper"]:::failed
              n2["count"]:::up-to-date
              n0 --> n1
              n1 --> n2
              classDef repo fill:#eef2f7,stroke:#8899aa
              classDef up-to-date fill:#e3f6e8,stroke:#2e8540
              classDef out-of-date fill:#fff4d6,stroke:#b07d00
              classDef running fill:#dcecff,stroke:#1f6feb
              classDef failed fill:#fde2e1,stroke:#cf222e
              classDef waiting fill:#f6f8fa,stroke:#8c959f

            """.ReplaceLineEndings("\n"),
            Picture.ToMermaid());
    }

    [Fact]
    public void Dot_is_a_left_to_right_digraph()
    {
        Assert.Equal(
            """
            digraph pipelines {
              rankdir=LR;
              node [fontname="sans-serif"];
              "data" [shape=ellipse, style=filled, fillcolor="#eef2f7", color="#8899aa"];
              "upper" [shape=box, style="rounded,filled", fillcolor="#fde2e1", color="#cf222e"];
              "count" [shape=box, style="rounded,filled", fillcolor="#e3f6e8", color="#2e8540"];
              "data" -> "upper";
              "upper" -> "count";
            }

            """.ReplaceLineEndings("\n"),
            Picture.ToDot());
    }

    [Fact]
    public void The_svg_lays_the_graph_out_left_to_right_with_links_and_states()
    {
        var svg = XDocument.Parse(Picture.ToSvg(node => node.IsPipeline ? $"/pipelines/{node.Name}" : null));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var nodes = svg.Descendants().Where(e => (string?)e.Attribute("data-name") is not null).ToDictionary(e => (string)e.Attribute("data-name")!);

        Assert.Equal(["count", "data", "upper"], nodes.Keys.Order());
        Assert.Equal("a", nodes["upper"].Name.LocalName);
        Assert.Equal("/pipelines/upper", (string?)nodes["upper"].Attribute("href"));
        Assert.Contains("failed", (string)nodes["upper"].Attribute("class")!);
        Assert.Equal("g", nodes["data"].Name.LocalName); // a repo is not a link
        Assert.Equal("last job failed", nodes["upper"].Element(ns + "title")!.Value);
        double X(string name) => double.Parse((string)nodes[name].Element(ns + "text")!.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(X("data") < X("upper") && X("upper") < X("count"), "inputs are drawn left of what reads them");
        Assert.Equal(2, svg.Descendants(ns + "path").Count());
    }

    [Fact]
    public void An_empty_workspace_is_an_empty_picture()
    {
        var empty = GraphPicture.Of([]);
        Assert.Empty(empty.Nodes);
        Assert.NotNull(XDocument.Parse(empty.ToSvg()).Root);
    }

    private static PipelineDocument Pipeline(string name, string input) => new()
    {
        Name = name,
        InputRepos = [input],
        Spec = EngineFixture.Shell(name, "true", new PfsInput(input, "/*")),
    };
}
