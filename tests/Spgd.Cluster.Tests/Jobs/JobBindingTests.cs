using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Jobs;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>A job id stays bound to its resolved spec and its data: resubmitting resumes, anything else is refused naming the difference.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobBindingTests
{
    private static DatasetManifest Manifest(params (string Name, char Hash)[] files) => new()
    {
        Entries = files.Select(f => new ManifestEntry(f.Name, 10, new string(f.Hash, 64))).ToList(),
        Model = "spectral-gaussian(v=0.25,alpha=3.5)",
    };

    [Fact]
    public void The_spec_digest_ignores_the_submitted_text_but_not_a_setting()
    {
        var d = TestJobs.Demo(images: 2, taskCount: 1);
        Assert.Equal(JobBinding.SpecDigest(d), JobBinding.SpecDigest(d with { SpecText = "# a comment\n" }));
        Assert.NotEqual(JobBinding.SpecDigest(d), JobBinding.SpecDigest(d with { Sampler = d.Sampler with { Steps = d.Sampler.Steps + 1 } }));
        Assert.StartsWith("sha256:", JobBinding.SpecDigest(d));
    }

    [Fact]
    public void The_difference_names_each_changed_setting_and_file()
    {
        var stored = TestJobs.Demo(images: 2, taskCount: 1);
        var fresh = stored with { Sampler = stored.Sampler with { Steps = 9 }, Runs = 2 };
        var a = Manifest(("a.png", 'a'), ("b.png", 'b'));
        Assert.Null(JobBinding.Difference(stored, JobBinding.SpecDigest(stored), a.Digest, a, stored, Manifest(("a.png", 'a'), ("b.png", 'b'))));

        var spec = JobBinding.Difference(stored, JobBinding.SpecDigest(stored), a.Digest, a, fresh, a);
        Assert.Equal($"spec differs: runs 1 → 2, sampler.steps {stored.Sampler.Steps} → 9", spec);

        var data = JobBinding.Difference(stored, null, a.Digest, a, stored, Manifest(("a.png", 'a'), ("b.png", 'c'), ("c.png", 'd')));
        Assert.Equal("data set differs: b.png changed, c.png added", data);
        Assert.Equal("data set or model differs (manifest digest changed)",
            JobBinding.Difference(stored, null, "sha256:old", null, stored, a));
    }

    [Fact]
    public async Task Resubmitting_resumes_a_cancelled_job_refuses_another_spec_and_replace_starts_afresh()
    {
        await using var cluster = await SpgdTestCluster.StartAsync([SpgdTestCluster.Simulated(2, TimeSpan.FromMilliseconds(300)), null]);
        var definition = TestJobs.Demo(images: 6, taskCount: 1);
        var job = cluster.Client.GetGrain<IJobGrain>("bound");
        await job.SubmitAsync(definition);
        await cluster.WaitForAsync("bound", s => s.Finished >= 1, TimeSpan.FromMinutes(1));
        await job.CancelAsync();
        var cancelled = await job.GetStatusAsync();
        Assert.Equal(JobState.Cancelled, cancelled.State);

        var other = definition with { Sampler = definition.Sampler with { Steps = definition.Sampler.Steps + 1 } };
        var refusal = await Assert.ThrowsAsync<ArgumentException>(() => job.SubmitAsync(other));
        Assert.Contains($"job 'bound' already exists and its spec differs: sampler.steps {definition.Sampler.Steps} → {definition.Sampler.Steps + 1}", refusal.Message);
        Assert.Equal(JobState.Cancelled, (await job.GetStatusAsync()).State); // refused: nothing changed

        var resumed = await job.SubmitAsync(definition);
        Assert.Equal(JobState.Running, resumed.State);
        var done = await cluster.WaitForEndAsync("bound", TimeSpan.FromMinutes(2));
        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(6, done.Succeeded);

        var replaced = await job.ReplaceAsync(other);
        Assert.Equal(JobState.Running, replaced.State);
        Assert.Equal(0, replaced.Finished);
        var again = await cluster.WaitForEndAsync("bound", TimeSpan.FromMinutes(2));
        Assert.Equal(6, again.Succeeded);
        var aside = Assert.Single(Directory.GetDirectories(cluster.Store.PathOf("jobs"), "bound.replaced-*"));
        Assert.True(File.Exists(Path.Combine(aside, "summary", "evaluation.md")));
        Assert.Contains($"\"steps\": {definition.Sampler.Steps + 1}", cluster.Store.Text(ItemKeys.JobFile("bound", "spec.json")));
        // The aggregates started afresh: each item counted once, not twice.
        Assert.Contains("\"count\": 6", cluster.Store.Text(ItemKeys.TaskSummary("bound", definition.Tasks[0].Name)));
    }

    [Fact]
    public async Task A_refused_submission_stores_nothing_and_a_running_job_is_not_replaced()
    {
        await using var cluster = await SpgdTestCluster.StartAsync([SpgdTestCluster.Simulated(1, TimeSpan.FromMilliseconds(2000)), null]);
        var job = cluster.Client.GetGrain<IJobGrain>("refused");
        var bad = TestJobs.Demo(images: 2, taskCount: 1) with { Dataset = new DatasetRef { Kind = DatasetKind.Folder, Path = "/nope", Size = 16 } };
        var status = await job.SubmitAsync(bad);
        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("'/nope' does not exist", status.Error);
        Assert.Equal(JobState.Unknown, (await job.GetStatusAsync()).State);
        Assert.False(Directory.Exists(cluster.Store.PathOf("jobs/refused")));

        var good = TestJobs.Demo(images: 2, taskCount: 1);
        Assert.Equal(JobState.Running, (await job.SubmitAsync(good)).State);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => job.ReplaceAsync(good with { Runs = 2 }));
        Assert.Contains("still running", e.Message);
    }
}
