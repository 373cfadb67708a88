using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Spgd.Grains.Devices;
using Spgd.Grains.Jobs;

namespace Spgd.Silo;

/// <summary>
/// Optional timing overrides from configuration (environment variables with <c>__</c> as separator):
/// <c>Spgd__Jobs__LeaseTimeout</c>, <c>Spgd__Jobs__RetryBaseDelay</c>, … (<see cref="JobOptions"/>),
/// <c>Spgd__Device__HeartbeatInterval</c>, … (<see cref="DeviceOptions"/>) and <c>Spgd__Membership__ProbeTimeout</c>,
/// … (<see cref="ClusterMembershipOptions"/>), <c>Spgd__Reminders__MinimumReminderPeriod</c> (Orleans reads its own <c>Orleans:*</c> sections as provider settings). The defaults suit production; fault tests shorten them so a killed
/// silo is noticed in seconds rather than a minute.
/// </summary>
internal static class SpgdTuning
{
    public static void Bind(ISiloBuilder silo, IConfiguration config, DeviceOptions device)
    {
        config.GetSection("Spgd:Device").Bind(device);
        silo.Services.Configure<JobOptions>(config.GetSection("Spgd:Jobs"));
        silo.Services.Configure<ClusterMembershipOptions>(config.GetSection("Spgd:Membership"));
        silo.Services.Configure<ReminderOptions>(config.GetSection("Spgd:Reminders"));
        // Spgd__Silo__SiloName: a readable silo name in job status, spans and logs (e.g. the pod name).
        silo.Services.Configure<SiloOptions>(config.GetSection("Spgd:Silo"));
    }
}
