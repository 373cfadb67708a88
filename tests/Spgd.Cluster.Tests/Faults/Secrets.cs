using System.Text;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Storage;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>Checks that the storage account key given to the silos appears nowhere it could leak.</summary>
internal static class Secrets
{
    public static string AccountKey(AzuriteFixture azurite) => ConnectionStrings.Parse(azurite.ConnectionString)["AccountKey"];

    public static void AssertAbsent(AzuriteFixture azurite, string text, string where)
    {
        var key = AccountKey(azurite);
        Assert.False(string.IsNullOrEmpty(key));
        var at = text.IndexOf(key, StringComparison.Ordinal);
        Assert.True(at < 0, $"the account key appears in {where}: …{text[Math.Max(0, at - 200)..Math.Min(text.Length, at + 20)]}");
        // A key cut short or URL-encoded still leaks its first characters.
        Assert.DoesNotContain(key[..16], text);
        Assert.DoesNotContain(Uri.EscapeDataString(key)[..16], text);
    }

    /// <summary>Reads every blob of the container (grain state with the job spec, item records, summaries).</summary>
    public static async Task AssertAbsentInStorageAsync(AzuriteFixture azurite, FaultStorage storage)
    {
        var store = storage.Open();
        var names = await store.ListAsync();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            var blob = await store.GetAsync(name);
            if (blob is null) continue;
            AssertAbsent(azurite, Encoding.UTF8.GetString(blob.Content), $"blob {name}");
            AssertAbsent(azurite, Encoding.Latin1.GetString(blob.Content), $"blob {name}");
        }
    }
}
