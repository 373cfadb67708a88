using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Spgd.Silo;

// Re-executes once with jemalloc preloaded when installed (libtorch's CPU tensors are much faster on it).
Spgd.Core.Runtime.NativeAllocator.PreferJemalloc();

// A silo configured from SPGD_* environment variables (see deploy/k8s/base/silo-config.yaml).
try
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.Configuration.AddEnvironmentVariables();
    builder.AddSpgdSilo(SpgdSiloSettings.FromConfiguration(builder.Configuration));
    await builder.Build().RunAsync();
    return 0;
}
catch (Exception e)
{
    // A bad setting can quote the storage or clustering value; the runtime's own crash report would print it as is.
    Console.Error.WriteLine("spgd-silo: error: " + Spgd.Storage.SecretRedaction.Redact(e.ToString()));
    return 1;
}
