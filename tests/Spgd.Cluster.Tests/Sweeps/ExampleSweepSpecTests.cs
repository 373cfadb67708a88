using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spgd.Contracts.Sweeps;
using Spgd.Tests;
using YamlDotNet.RepresentationModel;

namespace Spgd.Cluster.Tests.Sweeps;

/// <summary>The example specs' <c>sweep:</c> sections read as <see cref="SamplerSweep"/> and expand to the rows their comments promise.</summary>
public class ExampleSweepSpecTests
{
    [Theory]
    [InlineData("table2-ablation.yaml", new[] { "SPGD N=1 no ADM", "SPGD N=1 β=0.95 ADM", "SPGD N=5 no ADM", "SPGD N=5 β=0.95 ADM" })]
    [InlineData("table3-sweep-n.yaml", new[] { "SPGD N=1 β=0.95 ADM", "SPGD N=2 β=0.95 ADM", "SPGD N=3 β=0.95 ADM", "SPGD N=5 β=0.95 ADM",
        "SPGD N=7 β=0.95 ADM", "SPGD N=10 β=0.95 ADM", "SPGD N=1 no ADM", "DPS ζ=1" })]
    [InlineData("table4-sweep-beta.yaml", new[] { "SPGD N=5 no ADM", "SPGD N=5 β=0.5 ADM", "SPGD N=5 β=0.8 ADM", "SPGD N=5 β=0.9 ADM",
        "SPGD N=5 β=0.95 ADM", "SPGD N=5 β=0.99 ADM" })]
    [InlineData("figure2-gradient-angles.yaml", new[] { "DPS", "SPGD N=1 no ADM", "SPGD N=5 no ADM", "SPGD N=5 β=0.95 ADM" })]
    [InlineData("table1-ffhq.yaml", new[] { "DPS ζ=1", "SPGD N=1 no ADM", "SPGD N=5 β=0.95 ADM" })]
    [InlineData("table1-imagenet.yaml", new[] { "DPS ζ=1", "SPGD N=1 no ADM", "SPGD N=5 β=0.95 ADM" })]
    public void ExampleSweepsExpandToTheirRows(string file, string[] labels)
    {
        var sweep = ReadSweep(Path.Combine(TestPaths.RepoRoot, "examples", "specs", file));
        Assert.Empty(SweepExpander.Problems(sweep));
        Assert.Equal(labels, SweepExpander.Points(sweep).Select(p => p.Label));
    }

    private static SamplerSweep ReadSweep(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var sweep = root.Children[new YamlScalarNode("sweep")];
        return ToJson(sweep)!.Deserialize<SamplerSweep>()!;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Value: null or "null" or "~" } => null,
        YamlScalarNode { Value: "true" or "false" } b => JsonValue.Create(b.Value == "true"),
        YamlScalarNode v when double.TryParse(v.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode v => JsonValue.Create(v.Value),
        _ => throw new InvalidDataException($"unexpected YAML node {node.NodeType}"),
    };
}
