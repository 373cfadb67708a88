using Microsoft.Extensions.Configuration;

namespace Spgd.Silo;

/// <summary>
/// Whether this silo runs in a Kubernetes pod and should use <c>Microsoft.Orleans.Hosting.Kubernetes</c>: the kubelet sets
/// <c>KUBERNETES_SERVICE_HOST</c>, and the manifest gives the pod's name and namespace (downward API) that the hosting
/// package needs. <c>SPGD_KUBERNETES_HOSTING=false</c> turns it off (e.g. a pod without API access).
/// </summary>
public static class KubernetesEnvironment
{
    /// <summary>True in a pod that exposes <c>POD_NAME</c> and <c>POD_NAMESPACE</c>, unless turned off.</summary>
    public static bool IsDetected(IConfiguration config)
    {
        if (config["SPGD_KUBERNETES_HOSTING"] is { Length: > 0 } setting)
        {
            if (bool.TryParse(setting, out var on)) { if (!on) return false; }
            else throw new FormatException($"SPGD_KUBERNETES_HOSTING='{setting}' is not true or false.");
        }
        return config["KUBERNETES_SERVICE_HOST"] is { Length: > 0 }
            && config["POD_NAME"] is { Length: > 0 } && config["POD_NAMESPACE"] is { Length: > 0 };
    }
}
