using Spgd.Tests;

namespace Spgd.Client.Tests.Cluster;

/// <summary><c>spgd run SPEC</c> with a nonlinear_blur task on the embedded default cluster, given the fixture KernelWizard.</summary>
public sealed class NonlinearBlurRunTests
{
    private static string F(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "nonlinear_blur", name);

    [Fact]
    public async Task A_job_with_the_task_runs_on_the_embedded_default()
    {
        var dir = TestPaths.NewTempDir("spgd-run-nlb");
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, $"""
            job_id: nonlinear-blur
            dataset: {"{"}builtin: spectral-demo, count: 2, image_size: 128{"}"}
            model: {"{"}kind: spectral-gaussian, variance: 0.25, alpha: 2.0{"}"}
            tasks:
              - name: nonlinear_blur
                operator: {"{"}noise_sigma: 0.05, checkpoint: {F("checkpoint.pth")}, kernel_wizard: {F("kernel_wizard.yml")}{"}"}
                sampler: {"{"}steps: 3, warmup: 2, lr: 1.0, preset: reference{"}"}
            """);
        await using var run = SpgdProcess.StartSpgd(dir, null, "run", spec);
        var exit = await run.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(exit == 0, run.Output);
        Assert.Contains("ended Completed: 2 succeeded, 0 failed", run.Output);
        Assert.Contains("nonlinear_blur PSNR↑", run.Output);
        var job = Path.Combine(dir, "spgd-out", "jobs", "nonlinear-blur");
        Assert.Equal(2, Directory.GetFiles(Path.Combine(job, "items"), "*.png", SearchOption.AllDirectories)
            .Count(f => !f.Contains(".measurement.", StringComparison.Ordinal) && !f.Contains(".clean.", StringComparison.Ordinal))); // the restorations
        Assert.Equal(3, File.ReadAllLines(Path.Combine(job, "summary", "nonlinear_blur", "metrics.csv")).Length); // header + 2 images

        var report = Path.Combine(dir, "report");
        var r = Tests.SpgdProcess.Run("report", "nonlinear-blur", "--store", Path.Combine(dir, "spgd-out"), "--out", report, "--no-plots");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("nonlinear_blur", File.ReadAllText(Path.Combine(report, "report.md")));
    }

    [Fact]
    public void Without_the_checkpoint_the_spec_is_refused_in_one_line()
    {
        var dir = TestPaths.NewTempDir("spgd-run-nlb");
        var spec = Path.Combine(dir, "spec.yaml");
        File.WriteAllText(spec, "dataset: {builtin: spectral-demo, count: 1, image_size: 256}\nmodel: {kind: spectral-gaussian}\ntasks:\n  - name: nonlinear_blur\n");
        Tests.SpgdProcess.AssertCleanFailure(Tests.SpgdProcess.Run("run", spec, "--out", Path.Combine(dir, "out")), "operator.checkpoint");
    }

    [Fact]
    public void Run_flags_need_the_blur_model() =>
        Tests.SpgdProcess.AssertCleanFailure(Tests.SpgdProcess.Run("run", "--task", "nonlinear_blur", "--size", "256", "--out", Path.Combine(Path.GetTempPath(), $"spgd-nlb-{Guid.NewGuid():N}")),
            "--task nonlinear_blur needs --blur-model PATH");
}
