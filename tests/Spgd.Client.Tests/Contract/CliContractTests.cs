using System.Text.RegularExpressions;
using Spgd.Core.Imaging;
using Spgd.Tests;
using static TorchSharp.torch;

namespace Spgd.Client.Tests.Contract;

/// <summary>
/// The promises of docs/cli.md, kept by the built <c>spgd</c> run as a user runs it (a process, stdin closed, real
/// signals): a job id stays bound to its spec and data, Ctrl+C/SIGTERM stop a run and a rerun resumes, every error is one
/// complete <c>spgd: error:</c> line with the documented exit code, reports never hide missing data.
/// </summary>
public sealed class CliContractTests
{
    // A small real job on the built-in spectral demo: seconds on a CPU.
    private static readonly string[] Small = ["--images", "2", "--size", "16", "--steps", "3", "--warmup", "1"];

    private static string[] Run(string outDir, string id, params string[] args) => ["run", .. args, "--out", outDir, "--id", id];

    private static string[] Records(string jobFolder) =>
        Directory.Exists(Path.Combine(jobFolder, "items"))
            ? Directory.GetFiles(Path.Combine(jobFolder, "items"), "*.json", SearchOption.AllDirectories).Where(f => !f.EndsWith(".steps.json", StringComparison.Ordinal)).Order().ToArray()
            : [];

    // ---- 1. A job id is bound to its spec and data ----

    [Fact]
    public void A_reused_id_with_another_spec_is_refused_naming_the_difference_and_replace_moves_the_old_results_aside()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-stale");
        var job = Path.Combine(dir, "D", "jobs", "X");
        using (var first = SpgdChild.Run(dir, Run("D", "X", [.. Small, "--task", "inpainting_random"])))
            Assert.True(first.ExitCode == 0, first.ToString());
        var before = Records(job).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(2, before.Count);

        using (var refused = SpgdChild.Run(dir, Run("D", "X", "--images", "2", "--size", "16", "--steps", "6", "--warmup", "2", "--task", "gaussian_blur")))
        {
            refused.AssertOneErrorLine(1, "job 'X' already exists", "tasks[0].name inpainting_random → gaussian_blur", "sampler.steps 3 → 6", "--replace");
            Assert.DoesNotContain("Completed", refused.Stdout);
        }
        Assert.Equal(before.Keys, Records(job)); // nothing of the refused spec was run or mixed in
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));

        using (var same = SpgdChild.Run(dir, Run("D", "X", [.. Small, "--task", "inpainting_random"])))
        {
            Assert.True(same.ExitCode == 0, same.ToString());
            Assert.Contains("resuming job X: 2 of 2 items already done", same.Stdout);
            Assert.Empty(same.Stderr);
        }

        using (var replaced = SpgdChild.Run(dir, Run("D", "X", "--images", "2", "--size", "16", "--steps", "6", "--warmup", "2", "--task", "gaussian_blur", "--replace")))
        {
            Assert.True(replaced.ExitCode == 0, replaced.ToString());
            Assert.Contains("replacing job X", replaced.Stdout);
            Assert.Contains("| gaussian_blur PSNR↑", replaced.Stdout);
            Assert.DoesNotContain("inpainting_random", replaced.Stdout[replaced.Stdout.IndexOf("| Method", StringComparison.Ordinal)..]);
        }
        Assert.All(Records(job), f => Assert.Contains($"{Path.DirectorySeparatorChar}gaussian_blur{Path.DirectorySeparatorChar}", f));
        Assert.Equal(2, Records(job).Length);
        Assert.False(Directory.Exists(Path.Combine(job, "items", "inpainting_random")));
        var aside = Assert.Single(Directory.GetDirectories(Path.Combine(dir, "D", "jobs"), "X.replaced-*"));
        Assert.Equal(before.Values.Select(Convert.ToBase64String).Order(), Records(aside).Select(f => Convert.ToBase64String(File.ReadAllBytes(f))).Order());
    }

    [Fact]
    public void A_reused_id_whose_data_changed_is_refused_naming_the_file()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-data");
        var data = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        var photos = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order().Take(3).ToArray();
        File.Copy(photos[0], Path.Combine(data, "a.png"));
        File.Copy(photos[1], Path.Combine(data, "b.png"));
        string[] args = Run("D", "F", "--dataset", data, "--size", "16", "--steps", "2", "--warmup", "1", "--task", "inpainting_random");
        using (var first = SpgdChild.Run(dir, args)) Assert.True(first.ExitCode == 0, first.ToString());

        File.Copy(photos[2], Path.Combine(data, "b.png"), overwrite: true); // "a bad file was fixed"
        using var refused = SpgdChild.Run(dir, args);
        refused.AssertOneErrorLine(1, "job 'F' already exists", "data set differs", "b.png changed");
    }

    // ---- 2. A refused job leaves nothing behind ----

    [Fact]
    public void A_job_refused_at_validation_leaves_nothing_behind_and_its_id_stays_free()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-refused");
        using (var missing = SpgdChild.Run(dir, Run("D", "fix", [.. Small, "--dataset", "/nope"])))
            missing.AssertOneErrorLine(1, "job fix could not start", "'/nope' does not exist");
        Assert.False(Directory.Exists(Path.Combine(dir, "D", "jobs", "fix")));
        Assert.False(Directory.Exists(Path.Combine(dir, "D", "grain-state", "job", "fix")));

        var data = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        File.Copy(Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order().First(), Path.Combine(data, "a.png"));
        using (var corrected = SpgdChild.Run(dir, Run("D", "fix", "--dataset", data, "--size", "16", "--steps", "2", "--warmup", "1", "--task", "inpainting_random")))
        {
            Assert.True(corrected.ExitCode == 0, corrected.ToString());
            Assert.Contains("ended Completed: 1 succeeded", corrected.Stdout);
        }

        using (var absurd = SpgdChild.Run(dir, Run("D", "runs", [.. Small, "--runs", "1000000000"])))
            absurd.AssertOneErrorLine(2, "--runs", "1000000000", "out of range");
        Assert.False(Directory.Exists(Path.Combine(dir, "D", "jobs", "runs")));
        using (var one = SpgdChild.Run(dir, Run("D", "runs", [.. Small, "--runs", "1"])))
            Assert.True(one.ExitCode == 0, one.ToString());
    }

    // ---- 3. Interrupts ----

    [Theory]
    [InlineData(SpgdChild.SigInt, "SIGINT")]
    [InlineData(SpgdChild.SigTerm, "SIGTERM")]
    public void An_interrupt_cancels_the_run_keeps_what_finished_exits_130_and_a_rerun_resumes(int signal, string name)
    {
        var dir = TestPaths.NewTempDir("spgd-cli-sig");
        var job = Path.Combine(dir, "D", "jobs", "S");
        // The simulated device holds a slot 1.5 s per item: 8 items cannot all finish before the signal.
        string[] args = Run("D", "S", "--images", "8", "--size", "16", "--task", "inpainting_random", "--simulate-ms", "1500");
        int done;
        Dictionary<string, byte[]> atExit;
        using (var run = SpgdChild.Start(dir, null, args))
        {
            run.WaitUntil(() => Records(job).Length >= 1, "first item record", TimeSpan.FromMinutes(3));
            run.Signal(signal);
            run.WaitForExit(TimeSpan.FromMinutes(3));
            var line = run.AssertOneErrorLine(130, $"interrupted ({name})", job, "run the same command again to resume");
            var said = Regex.Match(line, @": (\d+) of 8 items done, results in ");
            Assert.True(said.Success, line);
            done = int.Parse(said.Groups[1].Value);
            atExit = Records(job).ToDictionary(f => f, File.ReadAllBytes);
            Assert.InRange(done, 0, 7);
            Assert.InRange(atExit.Count, done, 7); // not everything ran: the rest was cancelled
            Assert.DoesNotContain("ended", run.Stdout);
        }

        using var rerun = SpgdChild.Run(dir, args);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains($"resuming job S: {done} of 8 items already done", rerun.Stdout); // what it said is what the job kept
        Assert.Contains("ended Completed: 8 succeeded", rerun.Stdout);
        Assert.Equal(8, Records(job).Length);
        // The items done before the interrupt were not run again: their records are the same bytes.
        Assert.True(atExit.Count(kv => kv.Value.AsSpan().SequenceEqual(File.ReadAllBytes(kv.Key))) >= done, rerun.ToString());
    }

    [Fact]
    public void An_interrupt_reaches_a_running_item_without_waiting_for_it_to_finish()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-sig-long");
        var job = Path.Combine(dir, "D", "jobs", "L");
        // Each item would hold its slot ten minutes: only cancelling the running items lets this run end.
        using var run = SpgdChild.Start(dir, null, Run("D", "L", "--images", "2", "--size", "16", "--task", "inpainting_random", "--simulate-ms", "600000"));
        run.WaitUntil(() => run.Stdout.Contains(" in flight", StringComparison.Ordinal), "an item in flight", TimeSpan.FromMinutes(3));
        run.Signal(SpgdChild.SigInt);
        run.WaitForExit(TimeSpan.FromMinutes(3));
        run.AssertOneErrorLine(130, "interrupted (SIGINT): 0 of 2 items done");
        Assert.Empty(Records(job));
    }

    [Fact]
    public void A_second_interrupt_exits_at_once()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-sig2");
        var job = Path.Combine(dir, "D", "jobs", "T");
        // A cancelled item stops at once on a device that checks its token, so the graceful stop would end in a few hundred
        // milliseconds and a second interrupt would race it: the device here ignores cancellation (stuck in a native
        // call, what a second interrupt exists for), so the stop cannot end before the second interrupt arrives.
        using (var run = SpgdChild.Start(dir, null,
                   Run("D", "T", "--images", "2", "--size", "16", "--steps", "2", "--warmup", "1", "--task", "inpainting_random",
                       "--simulate-ms", "600000", "--simulate-uninterruptible")))
        {
            run.WaitUntil(() => run.Stdout.Contains(" in flight", StringComparison.Ordinal), "an item in flight", TimeSpan.FromMinutes(3));
            run.Signal(SpgdChild.SigInt);
            run.WaitUntil(() => run.Stdout.Contains("stopping", StringComparison.Ordinal), "the stopping note", TimeSpan.FromMinutes(1));
            run.Signal(SpgdChild.SigInt);
            run.WaitForExit(TimeSpan.FromMinutes(3));
            run.AssertOneErrorLine(130, "interrupted again");
        }
        Assert.Empty(Records(job)); // the items in flight were abandoned, not finished

        using var rerun = SpgdChild.Run(dir, new Dictionary<string, string> { ["Spgd__Jobs__LeaseTimeout"] = "00:00:03" },
            Run("D", "T", "--images", "2", "--size", "16", "--steps", "2", "--warmup", "1", "--task", "inpainting_random"));
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("resuming job T: 0 of 2 items already done", rerun.Stdout);
        Assert.Equal(2, Records(job).Length);
    }

    [Fact]
    public void A_rerun_after_a_killed_run_says_it_waits_for_the_previous_leases()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-kill");
        var job = Path.Combine(dir, "D", "jobs", "K");
        using (var run = SpgdChild.Start(dir, null, Run("D", "K", "--images", "2", "--size", "16", "--steps", "2", "--warmup", "1",
                   "--task", "inpainting_random", "--simulate-ms", "600000")))
        {
            run.WaitUntil(() => run.Stdout.Contains("2 in flight", StringComparison.Ordinal), "two items in flight", TimeSpan.FromMinutes(3));
            run.Signal(9); // SIGKILL: nothing is flushed or handed back
            run.WaitForExit(TimeSpan.FromMinutes(1));
        }

        using var rerun = SpgdChild.Run(dir, new Dictionary<string, string> { ["Spgd__Jobs__LeaseTimeout"] = "00:00:03" },
            Run("D", "K", "--images", "2", "--size", "16", "--steps", "2", "--warmup", "1", "--task", "inpainting_random"));
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("resuming job K: 0 of 2 items already done", rerun.Stdout);
        Assert.Contains("waiting for the leases of a previous run: 2 item(s) were in flight when it stopped; " +
                        "they run again once their leases expire (at most 3 s)", rerun.Stdout);
        Assert.Equal(2, Records(job).Length);
    }

    // ---- 4. Validation errors are one complete line ----

    [Fact]
    public void An_invalid_spec_shows_its_problems_on_one_line()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-spec");
        File.WriteAllText(Path.Combine(dir, "one.yaml"), "dataset: { builtin: spectral-demo, count: 2 }\nmodel: { kind: spectral-gaussian }\ntasks: [ { name: denoise } ]\n");
        File.WriteAllText(Path.Combine(dir, "many.yaml"), "runs: 0\ntasks: [ { name: a }, { name: b }, { name: c } ]\n");
        using (var one = SpgdChild.Run(dir, "run", "one.yaml", "--out", "D"))
            one.AssertOneErrorLine(1, "invalid job spec (1 problem): tasks[0].name: unknown task 'denoise'");
        using var many = SpgdChild.Run(dir, "run", "many.yaml", "--out", "D");
        var line = many.AssertOneErrorLine(1, "invalid job spec (", "runs: 0 is out of range");
        Assert.Matches(@"; and \d+ more$", line);
        Assert.False(Directory.Exists(Path.Combine(dir, "D")));
    }

    // ---- 5. Option values are parsed with ranges; no crash, no CLR type names ----

    [Theory]
    [InlineData("--lr", "abc", "is not a number")]
    [InlineData("--steps", "1.5", "is not a whole number")]
    [InlineData("--size", "abc", "is not a whole number")]
    [InlineData("--beta", "abc", "is not a number")]
    [InlineData("--noise-sigma", "abc", "is not a number")]
    [InlineData("--steps", "99999999999", "out of range")]
    [InlineData("--sigma-max", "abc", "is not a number")]
    public void Restore_option_values_that_do_not_parse_are_one_usage_line(string option, string value, string says)
    {
        var dir = TestPaths.NewTempDir("spgd-cli-opt");
        var photo = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order().First();
        using var r = SpgdChild.Run(dir, "restore", "--image", photo, "--out", "o", "--task", "inpainting_random", option, value);
        r.AssertOneErrorLine(2, $"{option}: ", value, says);
        Assert.DoesNotContain("System.", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "o")));
    }

    [Theory]
    [InlineData(new[] { "--slots", "100000" }, "--slots: 100000 is out of range, expected [1, ")]
    [InlineData(new[] { "--steps", "abc" }, "--steps: 'abc' is not a whole number")]
    [InlineData(new[] { "--bogus" }, "unrecognized option '--bogus'")]
    [InlineData(new[] { "--seed", "-1" }, "--seed: -1 is out of range")]
    [InlineData(new[] { "--images", "-3" }, "--images: -3 is out of range")]
    public void Run_option_values_that_do_not_parse_are_one_usage_line(string[] args, string says)
    {
        var dir = TestPaths.NewTempDir("spgd-cli-run-opt");
        using var r = SpgdChild.Run(dir, ["run", .. args, "--out", "D"]);
        r.AssertOneErrorLine(2, says);
        Assert.DoesNotContain("System.", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "D")));
    }

    // ---- 6. Reports never hide missing data ----

    [Fact]
    public void A_report_lists_missing_and_unreadable_records_and_still_renders()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-report");
        using (var run = SpgdChild.Run(dir, Run("D", "R", "--images", "4", "--size", "16", "--steps", "2", "--warmup", "1", "--task", "inpainting_random")))
            Assert.True(run.ExitCode == 0, run.ToString());
        var items = Path.Combine(dir, "D", "jobs", "R", "items", "inpainting_random");
        File.Delete(Path.Combine(items, "demo-001-run0.json"));
        var truncated = Path.Combine(items, "demo-002-run0.json");
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..40]);

        using var report = SpgdChild.Run(dir, "report", "R", "--store", "D", "--out", "rep");
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Empty(report.Stderr);
        Assert.Contains("4 items (2 failed, of which 1 missing and 1 unreadable)", report.Stdout);
        Assert.Contains("missing (expected by the manifest, no record): inpainting_random/demo-001-run0", report.Stdout);
        Assert.Contains("unreadable: inpainting_random/demo-002-run0: unreadable record: ", report.Stdout);
        var markdown = File.ReadAllText(Path.Combine(dir, "rep", "report.md"));
        Assert.Matches(@"\| inpainting_random/demo-001-run0 \| SPGD[^|]* \| missing: the manifest expects this item but no record is stored \|", markdown);
        Assert.Matches(@"\| inpainting_random/demo-002-run0 \| SPGD[^|]* \| unreadable record: ", markdown);
        Assert.True(File.Exists(Path.Combine(dir, "rep", "report.html")));
    }

    // ---- 7. Failures: exit codes and reasons; what a folder data set holds ----

    [Fact]
    public void Completed_with_failures_exits_3_naming_the_reason_a_text_file_is_no_item_and_a_1x1_image_is_refused()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-partial");
        var data = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        File.Copy(Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order().First(), Path.Combine(data, "good.png"));
        using (var pixel = zeros(3, 1, 1)) ImageIO.SavePng(pixel, Path.Combine(data, "tiny.png"));
        File.WriteAllText(Path.Combine(data, "notes.txt"), "not an image");

        using var r = SpgdChild.Run(dir, Run("D", "P", "--dataset", data, "--size", "16", "--steps", "2", "--warmup", "1", "--task", "inpainting_random"));
        r.AssertOneErrorLine(3, "1 of 2 items failed: 1× ", "tiny.png: image is 1×1, too small for 16×16");
        Assert.Contains("Job P: 2 items", r.Stdout);
        Assert.Contains("Failed items by reason: 1× ", r.Stdout);
        var records = Records(Path.Combine(dir, "D", "jobs", "P")).Select(f => Path.GetFileName(f)!).ToArray();
        Assert.Equal(["good-run0.json", "tiny-run0.json"], records);
    }

    [Fact]
    public void A_job_whose_items_all_fail_exits_1_with_their_reason()
    {
        var dir = TestPaths.NewTempDir("spgd-cli-allfail");
        File.WriteAllText(Path.Combine(dir, "not-a-checkpoint.pt"), "this is not a checkpoint");
        using var r = SpgdChild.Run(dir, Run("D", "K", "--model", "ffhq256", "--checkpoint", "not-a-checkpoint.pt", "--images", "2", "--size", "16",
            "--steps", "1", "--warmup", "1", "--task", "inpainting_random"));
        r.AssertOneErrorLine(1, "job K failed: every item failed: 2× ", "not-a-checkpoint.pt", "is not a model checkpoint");
    }
}
