using System.Text.Json;
using Spgd.Core.Arrays;
using Spgd.Core.Denoising;
using Spgd.Core.Models.Bkse;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators.NonlinearBlur;

/// <summary>
/// The nonlinear blur against the official SPGD code (its NonlinearBlur and vendored BKSE KernelWizard, random
/// weights, nf 4): tests/fixtures/nonlinear_blur, written by scripts/fixtures/nonlinear_blur.py.
/// </summary>
public class NonlinearBlurParityTests(ITestOutputHelper output)
{
    private static string F(params string[] parts) => RepoFixtures.Path(["nonlinear_blur", .. parts]);

    private static Tensor Load(params string[] parts) => NpyFile.Read(F(parts)).ToTensor();

    internal static NonlinearBlurSettings FixtureSettings => new(F("checkpoint.pth")) { Options = F("kernel_wizard.yml") };

    [Fact]
    public void Output_matches_the_reference_for_a_batch_of_two()
    {
        using var scope = NewDisposeScope();
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = FixtureSettings }, 256, 256, seed: 0);
        Assert.Equal(Load("code_256.npy").data<float>().ToArray(), ((NonlinearBlurOperator)op).Code.data<float>().ToArray());
        var x = Load("x.npy");
        var error = Fixtures.RelativeL2(op.Apply(x), Load("y.npy"));
        output.WriteLine($"output relative L2 {error:e3}");
        Assert.True(error <= 1e-4, $"output relative L2 {error:e3}");
    }

    [Fact]
    public void Gradient_through_the_frozen_network_matches_the_reference()
    {
        using var scope = NewDisposeScope();
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = FixtureSettings }, 256, 256, seed: 0);
        var x0 = Load("x.npy");
        var x = x0.clone().requires_grad_(true);
        // L = Σ A(x)·x₀, so ∇ₓL = Jᵀx₀ (the fixture's vector-Jacobian product).
        (op.Apply(x) * x0).sum().backward();
        var error = Fixtures.RelativeL2(x.grad!, Load("grad_vjp_x.npy"));
        output.WriteLine($"gradient relative L2 {error:e3}");
        Assert.True(error <= 1e-4, $"gradient relative L2 {error:e3}");
    }

    [Fact]
    public void A_batch_equals_its_items_alone()
    {
        using var scope = NewDisposeScope();
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = FixtureSettings }, 256, 256, seed: 0);
        var x = Load("x.npy");
        var batch = op.Apply(x);
        for (var b = 0; b < 2; b++)
        {
            var error = Fixtures.RelativeL2(op.Apply(x.narrow(0, b, 1)), batch.narrow(0, b, 1));
            Assert.True(error <= 1e-6, $"item {b}: alone vs in the batch relative L2 {error:e3}");
        }
    }

    [Fact]
    public void Items_of_one_operator_stack_into_one_batched_call_that_matches_the_reference()
    {
        using var scope = NewDisposeScope();
        var settings = new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = FixtureSettings };
        using var a = OperatorFactory.Create(settings, 256, 256, seed: 1);
        using var b = OperatorFactory.Create(settings, 256, 256, seed: 2); // the code is fixed: the seed changes nothing
        Assert.True(a.SameOperatorAs(b));
        var options = KernelWizardOptions.FromYamlFile(F("kernel_wizard.yml"));
        using var network = KernelWizard.Load(options, F("checkpoint.pth"));
        var code = NonlinearBlurOperator.ReferenceCode(options, 256, 256);
        using var same = new NonlinearBlurOperator(network, code);
        using var sameAgain = new NonlinearBlurOperator(network, code.clone());
        using var otherCode = new NonlinearBlurOperator(network, code * 2);
        Assert.True(same.SameOperatorAs(sameAgain));
        Assert.False(same.SameOperatorAs(otherCode));
        Assert.False(a.SameOperatorAs(same)); // another network instance
        using var hdr = OperatorFactory.Create(new OperatorSettings(TaskNames.Hdr), 256, 256, seed: 0);
        Assert.False(a.SameOperatorAs(hdr));
        var error = Fixtures.RelativeL2(new StackedOperator([a, b]).Apply(Load("x.npy")), Load("y.npy"));
        Assert.True(error <= 1e-4, $"stacked output relative L2 {error:e3}");
    }

    [Fact]
    public void Short_spgd_run_matches_the_official_sampler()
    {
        using var scope = NewDisposeScope();
        var config = JsonDocument.Parse(File.ReadAllText(F("spgd", "config.json"))).RootElement;
        var annealing = config.GetProperty("annealing_scheduler_config");
        var spgd = config.GetProperty("config");
        var prior = config.GetProperty("prior");
        var options = new SpgdOptions
        {
            Steps = annealing.GetProperty("num_steps").GetInt32(),
            SigmaMax = annealing.GetProperty("sigma_max").GetDouble(),
            SigmaMin = annealing.GetProperty("sigma_min").GetDouble(),
            Warmup = spgd.GetProperty("num_steps").GetInt32(),
            LearningRate = spgd.GetProperty("lr").GetDouble(),
            LrMinRatio = spgd.GetProperty("lr_min_ratio").GetDouble(),
            Beta = spgd.GetProperty("beta").GetDouble(),
            Preset = SpgdPreset.Reference,
        };
        Assert.Equal("reference", config.GetProperty("preset").GetString());
        var size = config.GetProperty("image_size").GetInt32();
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = FixtureSettings }, size, size, seed: 0);
        var denoiser = new SpectralGaussianPrior(prior.GetProperty("variance").GetDouble(), prior.GetProperty("alpha").GetDouble());
        var result = new SpgdSampler(denoiser, options).Sample(Load("spgd", "x_T.npy"), Load("spgd", "y.npy"), op);
        var error = Fixtures.RelativeL2(result, Load("spgd", "output.npy"));
        output.WriteLine($"SPGD output relative L2 {error:e3}");
        Assert.True(error <= 1e-3, $"SPGD output relative L2 {error:e3}");
    }

    [Fact]
    public void Without_a_checkpoint_the_task_is_refused_saying_what_to_provide()
    {
        var e = Assert.Throws<ArgumentException>(() => OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur), 256, 256, seed: 0));
        Assert.Contains("GOPRO_wVAE.pth", e.Message);
        Assert.Contains("--blur-model", e.Message);
        Assert.Contains("operator.checkpoint", e.Message);
    }

    [Fact]
    public void Sizes_the_network_cannot_take_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = FixtureSettings }, 64, 64, seed: 0));
        Assert.Contains("multiples of 128", e.Message);
    }

    [Fact]
    public void A_code_file_replaces_the_drawn_code_and_must_fit()
    {
        using var scope = NewDisposeScope();
        var settings = FixtureSettings with { KernelCodePath = F("code_256.npy") };
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = settings }, 256, 256, seed: 0);
        Assert.True(Fixtures.RelativeL2(op.Apply(Load("x.npy")), Load("y.npy")) <= 1e-4);
        var e = Assert.Throws<ArgumentException>(() => OperatorFactory.Create(new OperatorSettings(TaskNames.NonlinearBlur) { NonlinearBlur = settings }, 128, 128, seed: 0));
        Assert.Contains("does not fit 128×128", e.Message);
    }

    [Fact]
    public void Blur_settings_for_another_task_are_refused()
    {
        var problems = new OperatorSettings(TaskNames.Hdr) { NonlinearBlur = FixtureSettings }.Problems();
        Assert.Contains(problems, p => p.StartsWith("NonlinearBlur: given for task 'hdr'", StringComparison.Ordinal));
    }
}
