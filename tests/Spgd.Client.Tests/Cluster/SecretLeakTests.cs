using System.Security.Cryptography;
using Spgd.Tests;
using Run = Spgd.Client.Tests.SpgdProcess;

namespace Spgd.Client.Tests.Cluster;

/// <summary>
/// With a connection string (account key) and a SAS signature in the environment, no <c>spgd</c> command prints them:
/// neither any command's <c>--help</c> (System.CommandLine shows option defaults, which must therefore not come from
/// the environment) nor its main error paths, against a live Azurite account whose key is fresh for this test.
/// </summary>
public sealed class SecretLeakTests
{
    private static readonly string AccountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    private static readonly string Signature = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private const string Account = "spgdleak";

    [Fact]
    public void Secrets_in_the_environment_never_reach_help_or_error_output()
    {
        // Every command and sub-command, found from the help itself so that a new command is covered without editing this list.
        var commands = new List<string[]>();
        var pending = new Queue<string[]>([[]]);
        var env = Environment(storage: AzureConnectionString(port: 1));
        while (pending.TryDequeue(out var path))
        {
            var help = Run.RunWithEnvironment(env, [.. path, "--help"]);
            Assert.True(help.ExitCode == 0, help.ToString());
            AssertNoSecret(help, string.Join(' ', path) + " --help");
            commands.Add(path);
            foreach (var sub in SubcommandsIn(help.Stdout)) pending.Enqueue([.. path, sub]);
        }

        foreach (var expected in new[] { "submit", "results", "report", "verify", "silo", "data upload", "run", "watch", "jobs", "cancel" })
            Assert.Contains(expected, commands.Select(c => string.Join(' ', c)));
        var storageHelp = Run.RunWithEnvironment(env, "submit", "--help").Stdout;
        Assert.Contains("$SPGD_STORAGE", storageHelp); // the option names the variable instead of showing its value
    }

    [Fact]
    public async Task Error_paths_with_a_connection_string_or_a_sas_in_the_environment_print_no_secret()
    {
        var dir = TestPaths.NewTempDir("spgd-leak");
        var port = SpgdProcess.FreePort();
        await using var azurite = SpgdProcess.Start(AzuriteBinary(), ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location",
            Path.Combine(dir, "azurite"), "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"], dir,
            new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{Account}:{AccountKey}" });
        await WaitForPortAsync(port, azurite);

        var images = Path.Combine(dir, "images");
        Directory.CreateDirectory(images);
        File.Copy(Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order(StringComparer.Ordinal).First(), Path.Combine(images, "a.png"));
        var badSpec = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(badSpec, "dataset: {blob_prefix: /abs/}\nmodel: {kind: spectral-gaussian}\ntasks: [{name: inpainting_random}]\n");
        var emptyPrefixSpec = Path.Combine(dir, "empty-prefix.yaml");
        File.WriteAllText(emptyPrefixSpec, "dataset: {blob_prefix: datasets/nothing-here/}\nmodel: {kind: spectral-gaussian}\ntasks: [{name: inpainting_random}]\n");

        // A connection string missing its account name reads as a folder name, which the error quotes: the mask must strike.
        var malformed = Run.RunWithEnvironment(Environment($"DefaultEndpointsProtocol=http;AccountKey={AccountKey}"), "report", "nosuchjob", "--out", dir);
        Run.AssertCleanFailure(malformed, "AccountKey=***");
        AssertNoSecret(malformed, "report with a malformed connection string");

        foreach (var storage in new[] { AzureConnectionString(port), SasConnectionString(port) })
        {
            var env = Environment(storage);
            var outDir = Path.Combine(dir, "out");
            // The live account: an upload succeeds with the key and is refused with the SAS (the signature is not valid).
            var upload = Run.RunWithEnvironment(env, "data", "upload", images, "--prefix", "datasets/leak/");
            AssertNoSecret(upload, "data upload");
            // Submit checks a blob prefix through the same storage before contacting the cluster: nothing there, refused.
            var empty = Run.RunWithEnvironment(env, "submit", emptyPrefixSpec, "--clustering", "redis://127.0.0.1:1");
            Run.AssertCleanFailure(empty, storage.Contains("AccountKey") ? "dataset.blob_prefix: no image file" : null);
            AssertNoSecret(empty, "submit of an empty blob prefix");
            foreach (var args in new[]
                     {
                         new[] { "report", "nosuchjob", "--out", outDir },
                         ["results", "nosuchjob", "--out", outDir],
                         ["verify", "nosuchjob"],
                         ["data", "upload", Path.Combine(dir, "missing"), "--prefix", "datasets/x/"],
                         ["data", "upload", images, "--prefix", "../escape"],
                         ["submit", badSpec],
                         ["silo", "--clustering", "bogus"],
                         ["report", "nosuchjob", "--out", outDir, "--storage", storage + ";Container=Bad_Name"],
                     })
            {
                var r = Run.RunWithEnvironment(env, args);
                Run.AssertCleanFailure(r);
                AssertNoSecret(r, string.Join(' ', args));
            }
        }
    }

    private static Dictionary<string, string?> Environment(string storage) => new()
    {
        ["SPGD_STORAGE"] = storage,
        ["SPGD_CLUSTERING"] = "localhost",
        ["AZURE_STORAGE_SAS_URL"] = $"https://{Account}.blob.core.windows.net/spgd?sv=2023-11-03&ss=b&srt=co&sp=rl&se=2030-01-01&sig={Signature}",
    };

    private static string AzureConnectionString(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{Account};";

    private static string SasConnectionString(int port) =>
        $"BlobEndpoint=http://127.0.0.1:{port}/{Account};SharedAccessSignature=sv=2023-11-03&ss=b&srt=co&sp=rwl&se=2030-01-01&sig={Signature}";

    private static void AssertNoSecret(SpgdResult r, string what)
    {
        foreach (var secret in new[] { AccountKey, Signature, AccountKey[..16], Uri.EscapeDataString(AccountKey) })
        {
            Assert.False(r.Stdout.Contains(secret, StringComparison.Ordinal), $"{what}: stdout holds a secret:\n{r}");
            Assert.False(r.Stderr.Contains(secret, StringComparison.Ordinal), $"{what}: stderr holds a secret:\n{r}");
        }
    }

    // "Commands:" section of a help text: "  name <args>  description".
    private static IEnumerable<string> SubcommandsIn(string help)
    {
        var lines = help.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "Commands:");
        if (start < 0) yield break;
        for (var i = start + 1; i < lines.Length && lines[i].StartsWith("  ", StringComparison.Ordinal); i++)
        {
            var name = lines[i].Trim().Split(' ', 2)[0];
            if (name.Length > 0 && char.IsAsciiLetterLower(name[0])) yield return name;
        }
    }

    internal static string AzuriteBinary()
    {
        var fromEnv = System.Environment.GetEnvironmentVariable("SPGD_AZURITE");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
        var local = Path.Combine(TestPaths.RepoRoot, ".tools", "node_modules", ".bin", "azurite-blob");
        Assert.True(File.Exists(local), $"Azurite is not installed (SPGD_AZURITE unset, not at {local}); test.sh installs it.");
        return local;
    }

    internal static async Task WaitForPortAsync(int port, SpgdProcess owner)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                Assert.True(DateTime.UtcNow < deadline, $"nothing listens on port {port}:\n{owner.Output}");
                await Task.Delay(100);
            }
        }
    }
}
