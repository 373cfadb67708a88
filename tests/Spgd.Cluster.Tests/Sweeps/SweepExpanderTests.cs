using Spgd.Contracts.Sweeps;

namespace Spgd.Cluster.Tests.Sweeps;

public class SweepExpanderTests
{
    [Fact]
    public void AblationGridOfWarmupAndAdmGivesFourLabelledPointsWithTheirNfe()
    {
        var sweep = new SamplerSweep { Steps = [50], Warmup = [1, 5], Adm = [false, true] };
        var points = SweepExpander.Points(sweep);
        Assert.Equal(["SPGD N=1 no ADM", "SPGD N=1 β=0.95 ADM", "SPGD N=5 no ADM", "SPGD N=5 β=0.95 ADM"], points.Select(p => p.Label));
        Assert.Equal(["spgd-n1-noadm", "spgd-n1-b0.95-adm", "spgd-n5-noadm", "spgd-n5-b0.95-adm"], points.Select(p => p.Key));
        Assert.Equal([50L, 50, 250, 250], points.Select(p => p.NetworkEvaluationsPerImage));
        Assert.Equal([null, 0.95, null, 0.95], points.Select(p => p.Beta));
    }

    [Fact]
    public void ExpansionIsGridTimesImagesTimesTasksTimesRunsInThatOrder()
    {
        var sweep = new SamplerSweep { Samplers = ["spgd", "dps-edm"], Warmup = [2, 3], Steps = [10] };
        var items = SweepExpander.Expand(sweep, ["a", "b"], ["inpainting_random", "super_resolution"], runs: 2);
        // spgd N=2, spgd N=3 and one DPS point (N does not multiply DPS).
        Assert.Equal(3 * 2 * 2 * 2, items.Count);
        Assert.Equal("spgd-n2-b0.95-adm/inpainting_random/a-run0", items[0].ItemId);
        Assert.Equal("spgd-n2-b0.95-adm/inpainting_random/a-run1", items[1].ItemId);
        Assert.Equal("spgd-n2-b0.95-adm/super_resolution/a-run0", items[2].ItemId);
        Assert.Equal("spgd-n2-b0.95-adm/inpainting_random/b-run0", items[4].ItemId);
        Assert.Equal("dps-edm/super_resolution/b-run1", items[^1].ItemId);
        Assert.Equal(10, items[^1].Point.NetworkEvaluationsPerImage);
        Assert.Equal(items.Count, items.Select(i => i.ItemId).Distinct().Count());
    }

    [Fact]
    public void SettingsASamplerIgnoresDoNotMultiplyItsPoints()
    {
        var sweep = new SamplerSweep
        {
            Samplers = ["dps-edm", "plain", "spgd"],
            Warmup = [1, 5],
            Beta = [0.9, 0.95],
            Adm = [false],
            DpsStepSize = [0.5],
        };
        var points = SweepExpander.Points(sweep);
        // DPS: one point; plain = SPGD N=1 no ADM (β moot); SPGD N=5 no ADM (β moot). plain and spgd N=1 no ADM coincide.
        Assert.Equal(["DPS-EDM ζ=0.5", "SPGD N=1 no ADM", "SPGD N=5 no ADM"], points.Select(p => p.Label));
        Assert.Null(points[0].Preset);
        Assert.Equal(0.5, points[0].DpsStepSize);
    }

    [Fact]
    public void VaryingSettingsAppearInLabelsAndLabelsAreUnique()
    {
        var sweep = new SamplerSweep
        {
            Steps = [20, 50],
            LearningRate = [1.0, 2.5],
            Beta = [0.9, 0.95],
            Preset = ["paper", "reference"],
            Adm = [null, true],
            DiffStateGradTau = [null, 0.9],
        };
        var points = SweepExpander.Points(sweep);
        Assert.Equal(points.Count, points.Select(p => p.Label).Distinct().Count());
        Assert.Equal(points.Count, points.Select(p => p.Key).Distinct().Count());
        Assert.Contains(points, p => p.Label == "SPGD T=20 N=5 lr=1 β=0.9 ADM no DSG");
        Assert.Contains(points, p => p.Label == "SPGD T=50 N=5 lr=2.5 β=0.95 ADM DSG τ=0.9");
        // Reference without an ADM override runs no ADM, whatever β says: one point per (T, lr, τ); with ADM, the presets
        // coincide once β is explicit, so ADM points are one per (T, lr, β, τ).
        Assert.Equal(2 * 2 * 2, points.Count(p => !p.Adm));
        Assert.Equal(2 * 2 * 2 * 2, points.Count(p => p.Adm));
        Assert.All(points, p => Assert.Equal("paper", p.Preset));
        Assert.All(points, p => Assert.Matches("^[a-z0-9.-]+$", p.Key));
        Assert.Equal(points, SweepExpander.Points(sweep));
    }

    [Fact]
    public void ListsLeftOutTakeTheBasisThatIsTheTasksOwnSettings()
    {
        var basis = new SweepBasis(Steps: 100, Warmup: 3, LearningRate: 1.5, DiffStateGradTau: 0.95);
        var points = SweepExpander.Points(new SamplerSweep { Adm = [false, true] }, basis);
        Assert.Equal(["SPGD N=3 no ADM DSG τ=0.95", "SPGD N=3 β=0.95 ADM DSG τ=0.95"], points.Select(p => p.Label));
        Assert.All(points, p => Assert.Equal((100, 3, 1.5, 300L), (p.Steps, p.Warmup, p.LearningRate!.Value, p.NetworkEvaluationsPerImage)));
        var single = Assert.Single(SweepExpander.Points(new SamplerSweep()));
        Assert.Equal(("SPGD N=5 β=0.95 ADM", (long)SamplerDefaults.Steps * SamplerDefaults.Warmup), (single.Label, single.NetworkEvaluationsPerImage));
    }

    [Fact]
    public void ReadsFromJsonWithTheSpecsKeys()
    {
        var sweep = System.Text.Json.JsonSerializer.Deserialize<SamplerSweep>(
            """{"sampler": ["spgd", "dps-edm"], "warmup": [1, 5], "adm": [false, true], "diffstategrad_tau": [null, 0.9], "dps_step_size": [0.5], "lr": [2.5]}""")!;
        Assert.Equal(["spgd", "dps-edm"], sweep.Samplers);
        Assert.Equal([null, 0.9], sweep.DiffStateGradTau);
        Assert.Equal([0.5], sweep.DpsStepSize);
        Assert.Null(sweep.Steps);
        Assert.Equal(2 * 2 * 2 + 1, SweepExpander.Points(sweep).Count);
    }

    [Fact]
    public void ReferencePresetDefaultsToNoAdmAndItsOwnBeta()
    {
        var points = SweepExpander.Points(new SamplerSweep { Preset = ["reference"], Adm = [null, true] });
        Assert.Equal(["SPGD N=5 no ADM", "SPGD N=5 β=0.9 ADM"], points.Select(p => p.Label));
    }

    [Fact]
    public void ProblemsNameTheListTheIndexAndTheExpectation()
    {
        var sweep = new SamplerSweep { Samplers = ["spgd", "ddim"], Warmup = [], Beta = [1.5], DiffStateGradTau = [0] };
        var problems = SweepExpander.Problems(sweep);
        Assert.Contains(problems, p => p.StartsWith("sweep.sampler[1]: ddim is not a sampler"));
        Assert.Contains("sweep.warmup: the list is empty; give at least one value (or leave the key out)", problems);
        Assert.Contains(problems, p => p.StartsWith("sweep.beta[0]: 1.5 must be in [0, 1]"));
        Assert.Contains(problems, p => p.StartsWith("sweep.diffstategrad_tau[0]: 0 must be in (0, 1]"));
        Assert.Empty(SweepExpander.Problems(new SamplerSweep()));
        Assert.Throws<ArgumentException>(() => SweepExpander.Points(new SamplerSweep(), new SweepBasis(Warmup: 0)));
        var e = Assert.Throws<ArgumentException>(() => SweepExpander.Points(sweep));
        Assert.Contains("ddim", e.Message);
        Assert.Throws<ArgumentException>(() => SweepExpander.Expand(new SamplerSweep(), [], ["hdr"], 1));
    }
}
