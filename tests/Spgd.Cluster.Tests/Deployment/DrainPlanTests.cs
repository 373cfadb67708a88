using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spgd.Grains.Devices;
using Spgd.Silo;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Deployment;

/// <summary>The grace period a silo is given (the pod's terminationGracePeriodSeconds) decides its host shutdown and drain.</summary>
public sealed class DrainPlanTests
{
    [Theory]
    [InlineData(180, 170, 150)]
    [InlineData(12, 9, 6)]
    [InlineData(30, 22.5, 15)]
    public void The_host_stops_before_the_kill_and_the_drain_leaves_time_to_hand_items_back(double grace, double host, double drain)
    {
        var plan = DrainPlan.For(TimeSpan.FromSeconds(grace));
        Assert.Equal(TimeSpan.FromSeconds(host), plan.HostShutdown);
        Assert.Equal(TimeSpan.FromSeconds(drain), plan.DeviceDrain);
    }

    [Fact]
    public void A_silo_built_from_the_environment_sets_the_host_shutdown_timeout_and_device_drain_from_the_grace_period()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SPGD_STORAGE"] = TestPaths.NewTempDir("spgd-drain-plan"),
            ["SPGD_DEVICE"] = "cpu",
            ["SPGD_SIMULATED_MS"] = "10",
            ["SPGD_SHUTDOWN_GRACE_SECONDS"] = "180",
        });
        builder.AddSpgdSilo(SpgdSiloSettings.FromConfiguration(builder.Configuration));
        using var host = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(170), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(150), host.Services.GetRequiredService<IOptions<DeviceOptions>>().Value.DrainTimeout);
    }

    [Fact]
    public void Kubernetes_hosting_is_used_only_in_a_pod_that_names_itself()
    {
        static IConfiguration Env(params (string, string)[] pairs) =>
            new ConfigurationBuilder().AddInMemoryCollection(pairs.ToDictionary(p => p.Item1, p => (string?)p.Item2)).Build();
        Assert.False(KubernetesEnvironment.IsDetected(Env()));
        Assert.False(KubernetesEnvironment.IsDetected(Env(("KUBERNETES_SERVICE_HOST", "10.0.0.1"))));
        Assert.True(KubernetesEnvironment.IsDetected(Env(("KUBERNETES_SERVICE_HOST", "10.0.0.1"), ("POD_NAME", "spgd-silo-0"), ("POD_NAMESPACE", "spgd"))));
        Assert.False(KubernetesEnvironment.IsDetected(Env(("KUBERNETES_SERVICE_HOST", "10.0.0.1"), ("POD_NAME", "spgd-silo-0"), ("POD_NAMESPACE", "spgd"),
            ("SPGD_KUBERNETES_HOSTING", "false"))));
        Assert.Throws<FormatException>(() => KubernetesEnvironment.IsDetected(Env(("SPGD_KUBERNETES_HOSTING", "maybe"))));
    }
}
