using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Spgd.Silo.Redaction;
using Spgd.Storage;

namespace Spgd.Cluster.Tests.Storage;

/// <summary>The one redaction function, and the log and telemetry paths of a silo that apply it.</summary>
public sealed class SecretRedactionTests
{
    private const string Key = "c2VjcmV0LWtleS1ub3QtZm9yLWxvZ3MtMTIzNDU2Nzg5MA+/==";

    [Theory]
    [InlineData($"DefaultEndpointsProtocol=https;AccountName=prod;AccountKey={Key};EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=***;EndpointSuffix=core.windows.net")]
    [InlineData("https://prod.blob.core.windows.net/spgd?sv=2023-11-03&sp=rl&se=2030-01-01&sig=AbC%2Bd3f%3D",
        "https://prod.blob.core.windows.net/spgd?sv=2023-11-03&sp=rl&se=2030-01-01&sig=***")]
    [InlineData("BlobEndpoint=https://prod.blob.core.windows.net;SharedAccessSignature=sv=2023-11-03&sig=AbCd3f",
        "BlobEndpoint=https://prod.blob.core.windows.net;SharedAccessSignature=***")]
    [InlineData("clustering 'redis://spgd:hunter2@redis:6379' is not valid", "clustering 'redis://spgd:***@redis:6379' is not valid")]
    [InlineData("redis://:hunter2@redis:6379", "redis://:***@redis:6379")]
    [InlineData("redis:6379,password=hunter2,ssl=True", "redis:6379,password=***,ssl=True")]
    public void Secrets_are_masked_and_the_rest_is_kept(string text, string expected) =>
        Assert.Equal(expected, SecretRedaction.Redact(text));

    [Theory]
    [InlineData("sampler: sigma=0.5, design=3, lr=2.5")]
    [InlineData("Data set folder '/data/ffhq' does not exist.")]
    [InlineData("AzureBlobStore(account=prod, container=spgd) is unavailable")]
    [InlineData("http://localhost:8080/health/ready")]
    public void Text_without_secrets_is_unchanged(string text)
    {
        Assert.Equal(text, SecretRedaction.Redact(text));
        Assert.False(SecretRedaction.ContainsSecret(text));
    }

    [Fact]
    public void The_silo_console_log_masks_secrets_in_messages_and_exceptions()
    {
        var formatter = new RedactingConsoleFormatter(new FixedOptions(new SimpleConsoleFormatterOptions()));
        var error = new InvalidOperationException($"could not open AccountKey={Key};");
        var entry = new LogEntry<string>(LogLevel.Warning, "Spgd.Test", new EventId(7), $"storage AccountName=a;AccountKey={Key}", error, (s, _) => s);
        var output = new StringWriter();
        formatter.Write(entry, null, output);

        var text = output.ToString();
        Assert.DoesNotContain(Key, text);
        Assert.Contains("warn: Spgd.Test[7]", text);
        Assert.Contains("storage AccountName=a;AccountKey=***", text);
        Assert.Contains("could not open AccountKey=***", text);
    }

    [Fact]
    public void Exported_spans_carry_no_secret_in_their_status_or_tags()
    {
        using var activity = new Activity("spgd.test").Start();
        activity.SetStatus(ActivityStatusCode.Error, $"put failed: AccountKey={Key}");
        activity.SetTag("spgd.error", $"https://a.blob.core.windows.net/c?sv=1&sig={Key}");
        activity.SetTag("spgd.job", "job-1");
        activity.Stop();

        new RedactingActivityProcessor().OnEnd(activity);

        Assert.Equal("put failed: AccountKey=***", activity.StatusDescription);
        Assert.Equal("https://a.blob.core.windows.net/c?sv=1&sig=***", activity.GetTagItem("spgd.error"));
        Assert.Equal("job-1", activity.GetTagItem("spgd.job"));
    }

    private sealed class FixedOptions(SimpleConsoleFormatterOptions value) : IOptionsMonitor<SimpleConsoleFormatterOptions>
    {
        public SimpleConsoleFormatterOptions CurrentValue => value;
        public SimpleConsoleFormatterOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<SimpleConsoleFormatterOptions, string?> listener) => null;
    }
}
