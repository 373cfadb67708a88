using System.CommandLine;
using Spgd.Client.Cluster;
using Spgd.Contracts.Recipes;

namespace Spgd.Client.Tests.Cluster;

/// <summary><c>spgd run</c>/<c>submit</c>'s job flags reach the resolved recipe, with the protocol's values under them.</summary>
public sealed class JobFlagsTests
{
    private static IReadOnlyList<TaskRecipe> Recipes(params string[] args)
    {
        var flags = new JobFlags();
        var command = new Command("run");
        flags.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return RecipeResolver.ResolveAll(flags.ToDefinition(parse));
    }

    [Fact]
    public void Without_flags_each_task_takes_its_table5_rate_and_the_papers_noise()
    {
        var recipes = Recipes("--task", "super_resolution", "--task", "gaussian_blur");
        Assert.Equal([8.0, 1.5], recipes.Select(r => r.LearningRate));
        Assert.All(recipes, r => Assert.Equal((SamplerDefaults.Steps, SamplerDefaults.Warmup, 0.01, 0.95), (r.Steps, r.Warmup, r.NoiseSigma, r.Beta)));
    }

    [Fact]
    public void The_protocol_sets_table1_and_the_flags_override_it_recording_where_each_value_came_from()
    {
        var recipe = Assert.Single(Recipes("--task", "sr", "--protocol", "spgd-imagenet", "--beta", "1.0", "--noise-sigma", "0.02"));
        Assert.Equal((100, 5, 7.0, 1.0, 0.02), (recipe.Steps, recipe.Warmup, recipe.LearningRate, recipe.Beta, recipe.NoiseSigma));
        Assert.Equal(("protocol spgd-imagenet", "protocol spgd-imagenet", RecipeResolver.FromJob, RecipeResolver.FromTask),
            (recipe.Sources["steps"], recipe.Sources["lr"], recipe.Sources["beta"], recipe.Sources["noise_sigma"]));
        Assert.Equal(3.0, Assert.Single(Recipes("--task", "sr", "--protocol", "spgd-imagenet", "--lr", "3")).LearningRate);
    }

    [Theory]
    [InlineData("--beta", "1.5", "--beta: 1.5 is out of range")]
    [InlineData("--protocol", "spgd-celeba", "--protocol 'spgd-celeba' is not valid")]
    [InlineData("--lr", "-1", "--lr: -1 is out of range")]
    public void A_bad_flag_is_refused_naming_it(string flag, string value, string expected)
    {
        var flags = new JobFlags();
        var command = new Command("run");
        flags.AddTo(command);
        var parse = command.Parse([flag, value]);
        // Numbers are refused by the command line's own parser (one usage line); names by the job flags.
        var message = parse.Errors.Count > 0
            ? parse.Errors[0].Message
            : Assert.Throws<ArgumentException>(() => flags.ToDefinition(parse)).Message;
        Assert.StartsWith(expected, message);
    }

    [Fact]
    public void Algorithm_names_every_tasks_sampler_and_a_baseline_runs_at_its_protocol()
    {
        var recipes = Recipes("--task", "gaussian_blur", "--task", "inpainting_box", "--algorithm", "diffpir");
        Assert.All(recipes, r => Assert.Equal(("diffpir", "DiffPIR", RecipeResolver.FromJob), (r.Algorithm, r.Label, r.Sources["sampler"])));
        Assert.Equal("dps-edm", Assert.Single(Recipes("--task", "gaussian_blur", "--algorithm", "dps-edm")).Algorithm);
    }

    [Theory]
    [InlineData(new[] { "--task", "motion_blur", "--algorithm", "ddrm" }, "--algorithm ddrm cannot run motion_blur: ddrm needs A's SVD")]
    [InlineData(new[] { "--task", "gaussian_blur", "--task", "motion_blur", "--algorithm", "reddiff" }, "--algorithm reddiff cannot run motion_blur")]
    [InlineData(new[] { "--task", "gaussian_blur", "--algorithm", "dps", "--steps", "50" }, "--steps: does not apply to sampler dps")]
    public void A_baseline_is_refused_where_it_cannot_run_or_a_setting_would_not_reach_it(string[] args, string expected)
    {
        var flags = new JobFlags();
        var command = new Command("run");
        flags.AddTo(command);
        var e = Assert.Throws<ArgumentException>(() => flags.ToDefinition(command.Parse(args)));
        Assert.StartsWith(expected, e.Message);
    }
}
