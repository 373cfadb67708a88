using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Datasets;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Datasets;

/// <summary>
/// A compute silo checks its own data roots before reading (the job's silo checked its roots at submission, and the
/// two can be configured differently): an image or checkpoint outside them fails the item, unread, and is not retried.
/// </summary>
public sealed class ComputeSiloRootsTests
{
    [Fact]
    public void Images_and_checkpoints_outside_the_compute_silos_roots_fail_their_item_unread()
    {
        var root = TestPaths.NewTempDir("spgd-compute-root");
        var outside = TestPaths.NewTempDir("spgd-compute-outside");
        var photo = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order(StringComparer.Ordinal).First();
        File.Copy(photo, Path.Combine(root, "a.png"));
        File.Copy(photo, Path.Combine(outside, "a.png"));
        var runner = new CoreWorkItemRunner(new DenoiserCache(), MetricSetMetrics.Create(null, null), roots: DataRoots.From(root, []));
        WorkItem Item(JobDefinition d) => new("j", 0, "inpainting_random/a-run0", "inpainting_random", "a", 0, "a.png", 0, 1, d, null,
            Spgd.Contracts.Recipes.RecipeResolver.Resolve(d, d.Tasks[0], null));
        var demo = TestJobs.Demo(images: 1, taskCount: 1, steps: 2, warmup: 1);
        DatasetRef Folder(string path) => new() { Kind = DatasetKind.Folder, Path = path, Size = 16, Label = "x" };

        var image = Assert.Throws<DeterministicItemException>(() => runner.Run(Item(demo with { Dataset = Folder(outside) }), "cpu", CancellationToken.None));
        Assert.Contains("outside this silo's data roots", image.Message);
        var model = Assert.Throws<DeterministicItemException>(() => runner.Run(
            Item(demo with { Dataset = Folder(root), Model = new ModelRef { Kind = "ffhq256", Checkpoint = Path.Combine(outside, "ffhq_10m.pt") } }),
            "cpu", CancellationToken.None));
        Assert.Contains("outside this silo's data roots", model.Message);

        var inside = runner.Run(Item(demo with { Dataset = Folder(root) }), "cpu", CancellationToken.None);
        Assert.NotNull(inside.Metrics); // the same image under the root is read and restored
    }
}
