using System.Reflection;
using Spgd.Contracts.Jobs;
using Spgd.Core.Operators;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>Contracts keeps its own copy of the task names so clients need not load Core: the copies must agree.</summary>
public sealed class KnownTasksTests
{
    [Fact]
    public void Canonical_names_match_core() => Assert.Equal(TaskNames.All, KnownTasks.Canonical);

    [Fact]
    public void Every_contract_alias_means_the_same_task_in_core()
    {
        foreach (var (alias, canonical) in KnownTasks.Aliases)
            Assert.Equal(canonical, TaskNames.Normalize(alias));
    }

    [Fact]
    public void Core_has_no_alias_that_contracts_lack()
    {
        var field = typeof(TaskNames).GetField("Aliases", BindingFlags.NonPublic | BindingFlags.Static);
        Assert.True(field is not null, "TaskNames.Aliases moved: update this test to the new way of listing Core's aliases");
        var coreAliases = ((IReadOnlyDictionary<string, string>)field!.GetValue(null)!).Keys;
        Assert.Empty(coreAliases.Except(KnownTasks.Aliases.Keys));
    }

    [Theory]
    [InlineData("Inpainting-Rand", "inpainting_random")]
    [InlineData(" SR ", "super_resolution")]
    [InlineData("gaussian deblur", "gaussian_blur")]
    public void Normalization_folds_case_and_separators_like_core(string name, string expected)
    {
        Assert.Equal(expected, KnownTasks.TryNormalize(name));
        Assert.Equal(expected, TaskNames.Normalize(name));
    }

    [Fact]
    public void Unknown_names_are_null() => Assert.Null(KnownTasks.TryNormalize("denoise"));
}
