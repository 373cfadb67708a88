using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Spgd.Silo;

// Re-executes once with jemalloc preloaded when installed (libtorch's CPU tensors are much faster on it).
Spgd.Core.Runtime.NativeAllocator.PreferJemalloc();

// A silo configured from SPGD_* environment variables (see deploy/k8s/base/silo-config.yaml).
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables();
builder.AddSpgdSilo(SpgdSiloSettings.FromConfiguration(builder.Configuration));
await builder.Build().RunAsync();
return 0;
