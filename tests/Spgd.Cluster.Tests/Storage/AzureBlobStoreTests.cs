using System.Text;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Storage;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite, ITestOutputHelper output) : BlobStoreContractTests
{
    // Each test gets its own container, created by the store on first write.
    protected override IBlobStore CreateStore() => new AzureBlobStore(azurite.ConnectionString, AzuriteFixture.NewContainerName());

    [Fact]
    public void Azurite_started_and_reports_its_start_time()
    {
        Assert.True(azurite.IsRunning);
        output.WriteLine($"Azurite start (until the port accepted connections): {azurite.LastStartDuration.TotalMilliseconds:0} ms");
    }

    [Fact]
    public void ToString_shows_account_and_container_but_no_secret()
    {
        var store = new AzureBlobStore(azurite.ConnectionString, "results");
        var text = store.ToString();
        Assert.Equal("AzureBlobStore(account=devstoreaccount1, container=results)", text);
        Assert.DoesNotContain("AccountKey", text);
    }

    [Fact]
    public async Task The_factory_connects_to_the_container_named_in_the_setting()
    {
        var store = BlobStoreFactory.Create(azurite.ConnectionString + "Container=from-factory");
        await store.PutTextAsync("jobs/j/spec.json", "{}");
        var direct = new AzureBlobStore(azurite.ConnectionString, "from-factory");
        Assert.Equal("{}", await direct.GetTextAsync("jobs/j/spec.json"));
    }

    [Fact]
    public void A_malformed_connection_string_is_rejected_without_echoing_it()
    {
        const string secret = "AccountKey=not-base64-secret";
        var ex = Assert.Throws<ArgumentException>(() => new AzureBlobStore("AccountName=x;" + secret + ";BlobEndpoint=::bad::", "c1c"));
        Assert.DoesNotContain("not-base64-secret", ex.Message);
        Assert.Contains("malformed", ex.Message);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("a")]
    [InlineData("has_underscore")]
    [InlineData("double--hyphen")]
    public void Invalid_container_names_are_rejected_up_front(string container)
    {
        var ex = Assert.Throws<ArgumentException>(() => new AzureBlobStore(azurite.ConnectionString, container));
        Assert.Contains($"'{container}'", ex.Message);
    }

    [Fact]
    public async Task Outage_surfaces_as_unavailable_after_the_configured_retries_and_data_survives_a_restart()
    {
        using var own = new AzuriteFixture(); // stopping the shared instance would disturb the other tests
        var retries = new List<int>();
        var options = new AzureBlobStoreOptions
        {
            MaxRetries = 2,
            FirstRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            NetworkTimeout = TimeSpan.FromSeconds(5),
            OnRetry = (_, attempt) => { lock (retries) retries.Add(attempt); },
        };
        var store = new AzureBlobStore(own.ConnectionString, "outage", options);
        var eTag = await store.PutAsync("jobs/j/spec.json", Encoding.UTF8.GetBytes("kept"));

        own.Stop();
        var get = await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.GetAsync("jobs/j/spec.json"));
        Assert.Equal([1, 2], retries);
        Assert.Contains("AzureBlobStore(account=devstoreaccount1, container=outage) is unavailable", get.Message);
        Assert.DoesNotContain("AccountKey", get.Message);
        await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.PutAsync("jobs/j/other.json", new byte[1]));
        await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.ListAsync("jobs/"));

        own.Start();
        output.WriteLine($"Azurite restart: {own.LastStartDuration.TotalMilliseconds:0} ms");
        var after = await store.GetAsync("jobs/j/spec.json");
        Assert.Equal("kept", Encoding.UTF8.GetString(after!.Content));
        Assert.Equal(eTag, after.ETag);
    }
}
