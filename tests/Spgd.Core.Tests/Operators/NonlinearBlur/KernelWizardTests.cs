using Spgd.Core.Checkpoints;
using Spgd.Core.Models.Bkse;
using Spgd.Core.Tests.TestSupport;

namespace Spgd.Core.Tests.Operators.NonlinearBlur;

/// <summary>The KernelWizard's state-dict names and shapes against the reference module's, and its option files.</summary>
public class KernelWizardTests
{
    private static List<(string Key, long[] Shape)> Shapes(string file) => File.ReadAllLines(RepoFixtures.Path("nonlinear_blur", file))
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l =>
        {
            var space = l.IndexOf(' ');
            var dims = l[(space + 1)..].Trim('(', ')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return (l[..space], dims.Select(long.Parse).ToArray());
        }).ToList();

    private static void AssertSameShapes(List<(string Key, long[] Shape)> expected, IReadOnlyList<(string Key, long[] Shape)> actual)
    {
        Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), actual.Select(a => a.Key).Order(StringComparer.Ordinal));
        var byKey = actual.ToDictionary(a => a.Key, a => a.Shape);
        foreach (var (key, shape) in expected) Assert.True(shape.SequenceEqual(byKey[key]), $"{key}: reference [{string.Join(", ", shape)}], ours [{string.Join(", ", byKey[key])}]");
    }

    [Fact]
    public void Option_file_builds_the_fixture_network_with_the_reference_keys()
    {
        var options = KernelWizardOptions.FromYamlFile(RepoFixtures.Path("nonlinear_blur", "kernel_wizard.yml"));
        Assert.Equal(4, options.Features);
        Assert.Equal(RepoFixtures.Path("nonlinear_blur", "checkpoint.pth"), options.Pretrained);
        using var network = new KernelWizard(options);
        AssertSameShapes(Shapes("state_dict_shapes.txt"), network.ParameterShapes);
    }

    [Fact]
    public void Gopro_wvae_preset_has_every_key_and_shape_of_the_published_checkpoint()
    {
        using var network = new KernelWizard(KernelWizardOptions.GoproWvae);
        AssertSameShapes(Shapes("gopro_wvae_state_dict_shapes.txt"), network.ParameterShapes);
        var stated = File.ReadAllLines(RepoFixtures.Path("nonlinear_blur", "gopro_wvae_state_dict_shapes.txt")).Single(l => l.StartsWith("# parameters"));
        Assert.Equal(long.Parse(stated.Split(' ')[^1]), network.ParameterCount);
        Assert.All(network.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Checkpoint_of_another_architecture_is_refused_naming_keys()
    {
        var wider = KernelWizardOptions.FromYamlFile(RepoFixtures.Path("nonlinear_blur", "kernel_wizard.yml")) with { BackBlocks = 3 };
        var e = Assert.Throws<StateDictMismatchException>(() => KernelWizard.Load(wider, RepoFixtures.Path("nonlinear_blur", "checkpoint.pth")));
        Assert.Contains("recon_trunk", e.Message);
    }

    [Theory]
    [InlineData("KernelWizard:\n  nf: 8\n  colour: red\n", "unknown key(s) colour")]
    [InlineData("KernelWizard:\n  nf: eight\n", "'nf' must be an integer")]
    [InlineData("KernelWizard:\n  KernelExtractor:\n    norm: batch\n", "KernelExtractor.norm 'batch' is not supported")]
    [InlineData("KernelWizard:\n  KernelExtractor:\n    padding_type: mirror\n", "KernelExtractor.padding_type: 'mirror'")]
    public void Bad_option_files_name_the_key(string yaml, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => KernelWizardOptions.FromYaml(yaml, "opts.yml"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("opts.yml: ", e.Message);
    }

    [Fact]
    public void Reference_option_file_without_section_values_gives_the_preset()
    {
        // The reference's generate_blur/default.yml, as text: every value equals the preset's.
        const string yaml = "gpu_ids: [0]\nKernelWizard:\n  pretrained: experiments/pretrained/GOPRO_wVAE.pth\n  input_nc: 3\n  nf: 64\n  front_RBs: 10\n  back_RBs: 20\n  N_frames: 1\n  kernel_dim: 512\n  use_vae: true\n  KernelExtractor:\n    norm: none\n    use_sharp: true\n    n_blocks: 4\n    padding_type: reflect\n    use_dropout: false\n  Adapter:\n    norm: none\n    use_dropout: false\n";
        var parsed = KernelWizardOptions.FromYaml(yaml);
        Assert.Equal(KernelWizardOptions.GoproWvae, parsed with { Pretrained = null });
    }
}
