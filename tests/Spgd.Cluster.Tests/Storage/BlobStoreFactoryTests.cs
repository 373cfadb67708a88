using Spgd.Storage;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Storage;

public sealed class BlobStoreFactoryTests
{
    private const string Secret = "c2VjcmV0LWtleS1ub3QtZm9yLWxvZ3M=";

    [Fact]
    public void A_folder_path_gives_a_file_store()
    {
        var dir = TestPaths.NewTempDir("spgd-factory");
        var store = Assert.IsType<FileBlobStore>(BlobStoreFactory.Create(dir));
        Assert.Equal(Path.GetFullPath(dir), store.Root);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=" + Secret + ";EndpointSuffix=core.windows.net", "prod", "spgd")]
    [InlineData("AccountName=prod;AccountKey=" + Secret + ";Container=results", "prod", "results")]
    [InlineData("UseDevelopmentStorage=true", "devstoreaccount1", "spgd")]
    [InlineData("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2020&sig=" + Secret + ";Container=x1y", "https://acct.blob.core.windows.net/", "x1y")]
    public void A_connection_string_gives_an_azure_store_whose_description_hides_secrets(string connection, string account, string container)
    {
        var store = Assert.IsType<AzureBlobStore>(BlobStoreFactory.Create(connection));
        Assert.Equal(container, store.ContainerName);
        Assert.Contains(container, store.ToString());
        Assert.DoesNotContain(Secret, store.ToString());
        Assert.DoesNotContain("sig=", store.ToString());
        if (account != "devstoreaccount1") Assert.Contains(account, store.ToString());
    }

    [Fact]
    public void Redact_keeps_only_the_account_name_visible()
    {
        var redacted = ConnectionStrings.Redact("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=" + Secret);
        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=***", redacted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_setting_is_rejected(string storage)
    {
        var ex = Assert.Throws<ArgumentException>(() => BlobStoreFactory.Create(storage));
        Assert.Contains("folder path or an Azure storage connection string", ex.Message);
    }
}
