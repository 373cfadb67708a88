using System.Diagnostics;
using Spgd.Tests;
using YamlDotNet.RepresentationModel;
using static Spgd.Cluster.Tests.Deployment.ManifestValidator;

namespace Spgd.Cluster.Tests.Deployment;

/// <summary>Renders every Kustomize overlay offline (kubectl kustomize; no cluster is contacted) and validates the objects.</summary>
public class KustomizeOverlayTests
{
    public static TheoryData<string> Targets() => ["base", "overlays/gpu", "overlays/dev"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void RenderedObjectsAreValid(string target)
    {
        var objects = Render(target);
        Assert.NotEmpty(objects);
        var validator = new ManifestValidator();
        if (target == "overlays/dev") validator.ExternalSecrets.Clear(); // dev ships its own (Azurite) secret
        Assert.Empty(validator.Validate(objects));

        var config = Map(Single(objects, "ConfigMap", "spgd-silo-config"), "data");
        var silo = Single(objects, "StatefulSet", "spgd-silo");
        var container = Node<YamlSequenceNode>(silo, "spec", "template", "spec", "containers")!.OfType<YamlMappingNode>().Single(c => Str(c, "name") == "silo");
        var ports = Node<YamlSequenceNode>(container, "ports")!.OfType<YamlMappingNode>().ToDictionary(p => Str(p, "name")!, p => Str(p, "containerPort")!);
        Assert.Equal(config["SPGD_SILO_PORT"], ports["silo"]);
        Assert.Equal(config["SPGD_GATEWAY_PORT"], ports["gateway"]);
        Assert.Equal(config["SPGD_HEALTH_PORT"], ports["health"]);
        Assert.Equal("11111", ports["silo"]);
        Assert.Equal("30000", ports["gateway"]);
        Assert.NotNull(Str(container, "readinessProbe", "httpGet", "path"));
        Assert.NotNull(Str(container, "livenessProbe", "httpGet", "path"));
        Assert.True(int.Parse(Str(silo, "spec", "template", "spec", "terminationGracePeriodSeconds")!) >= 60);
        var labels = Map(silo, "spec", "template", "metadata", "labels");
        Assert.True(labels.ContainsKey("orleans/serviceId") && labels.ContainsKey("orleans/clusterId"), "Orleans Kubernetes hosting needs its pod labels");
        Assert.Contains(objects, o => Str(o, "kind") == "PodDisruptionBudget");
        // The submit Job runs spgd submit with the secret only in its environment (from the Secret), never on its command line.
        var submit = Node<YamlSequenceNode>(objects.Single(o => Str(o, "kind") == "Job"), "spec", "template", "spec", "containers")!
            .OfType<YamlMappingNode>().Single();
        var commandLine = (Node<YamlSequenceNode>(submit, "command")?.OfType<YamlScalarNode>() ?? []).Concat(Node<YamlSequenceNode>(submit, "args")?.OfType<YamlScalarNode>() ?? [])
            .Select(n => n.Value).ToList();
        Assert.Equal(["spgd", "submit"], commandLine.Take(2));
        Assert.DoesNotContain(commandLine, a => a!.Contains("SPGD_STORAGE") || a.Contains("--storage"));
        var storageEnv = Node<YamlSequenceNode>(submit, "env")!.OfType<YamlMappingNode>().Single(e => Str(e, "name") == "SPGD_STORAGE");
        Assert.Equal("spgd-storage", Str(storageEnv, "valueFrom", "secretKeyRef", "name"));
        Assert.False(string.IsNullOrEmpty(config.GetValueOrDefault("SPGD_DATA_ROOTS")), "the silo config sets SPGD_DATA_ROOTS");
        var role = Single(objects, "Role", "spgd-silo");
        Assert.Contains("pods", Node<YamlSequenceNode>(role, "rules")!.ToString());
        // What Microsoft.Orleans.Hosting.Kubernetes calls: read and patch its own pod, list/watch the cluster's, delete dead ones.
        var verbs = Node<YamlSequenceNode>(role, "rules")!.OfType<YamlMappingNode>()
            .SelectMany(r => Node<YamlSequenceNode>(r, "verbs")!.OfType<YamlScalarNode>().Select(v => v.Value)).ToHashSet();
        Assert.Superset(new HashSet<string?> { "get", "list", "watch", "patch", "delete" }, verbs);
        // The silo turns Kubernetes hosting on when it sees its pod's name and namespace.
        var env = Node<YamlSequenceNode>(container, "env")!.OfType<YamlMappingNode>().Select(e => Str(e, "name")).ToHashSet();
        Assert.Superset(new HashSet<string?> { "POD_NAME", "POD_NAMESPACE", "POD_IP" }, env);
        // The drain is planned from the same grace period the kubelet enforces.
        Assert.Equal(Str(silo, "spec", "template", "spec", "terminationGracePeriodSeconds"), config["SPGD_SHUTDOWN_GRACE_SECONDS"]);
        // A re-run submit pod attaches to its job instead of starting a duplicate.
        var submitContainer = Node<YamlSequenceNode>(Single(objects, "Job", "spgd-submit"), "spec", "template", "spec", "containers")!.OfType<YamlMappingNode>().Single();
        var command = Node<YamlSequenceNode>(submitContainer, "command")!.OfType<YamlScalarNode>().Select(n => n.Value).ToList();
        var id = command.IndexOf("--id");
        Assert.True(id > 0 && id + 1 < command.Count && !command[id + 1]!.StartsWith('-'), $"spgd-submit runs with a fixed --id: {string.Join(' ', command)}");
        foreach (var claim in objects.Where(o => Str(o, "kind") == "PersistentVolumeClaim" && Str(o, "metadata", "name") == "spgd-models"))
            Assert.NotNull(Str(claim, "spec", "storageClassName")); // ReadOnlyMany stays Pending on default disk classes

        if (target == "overlays/gpu")
        {
            var resources = Node<YamlMappingNode>(container, "resources")!;
            Assert.Equal("1", Str(resources, "limits", "nvidia.com/gpu"));
            Assert.Equal("1", config["SPGD_SLOTS"]);
            Assert.StartsWith("cuda:", config["SPGD_DEVICE"]);
            Assert.EndsWith("-cuda", Str(container, "image"));
            Assert.NotNull(Node<YamlSequenceNode>(silo, "spec", "template", "spec", "tolerations"));
            Assert.NotEmpty(Map(silo, "spec", "template", "spec", "nodeSelector"));
            // Membership and reminders on the official Azure Table providers: no Redis to run.
            Assert.Equal("azure", config["SPGD_CLUSTERING"]);
            Assert.DoesNotContain(objects, o => Str(o, "metadata", "name") == "spgd-redis");
            // The autoscaling example targets this StatefulSet and scales on the backlog gauge.
            var scaler = Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "deploy", "k8s", "overlays", "gpu", "keda-scaledobject.yaml"))).Single();
            Assert.Equal("ScaledObject", Str(scaler, "kind"));
            Assert.Equal(Str(silo, "metadata", "name"), Str(scaler, "spec", "scaleTargetRef", "name"));
            Assert.Equal("StatefulSet", Str(scaler, "spec", "scaleTargetRef", "kind"));
            Assert.Contains("spgd_job_backlog", Node<YamlSequenceNode>(scaler, "spec", "triggers")!.ToString());
        }
        if (target == "overlays/dev")
        {
            Assert.Equal("cpu", config["SPGD_DEVICE"]);
            Assert.Contains(objects, o => Str(o, "kind") == "Deployment" && Str(o, "metadata", "name") == "spgd-azurite");
            Assert.Contains(objects, o => Str(o, "kind") == "Secret" && Str(o, "metadata", "name") == "spgd-storage");
            // Telemetry reaches a collector that serves Prometheus metrics.
            var endpoint = new Uri(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            var collector = Single(objects, "Service", endpoint.Host);
            Assert.Contains(Node<YamlSequenceNode>(collector, "spec", "ports")!.OfType<YamlMappingNode>(), p => Str(p, "port") == endpoint.Port.ToString());
            var collectorConfig = Map(Single(objects, "ConfigMap", "spgd-otel-collector"), "data")["config.yaml"];
            Assert.Contains("prometheus:", collectorConfig);
            Assert.Contains("endpoint: 0.0.0.0:8889", collectorConfig);
        }
    }

    [Fact]
    public void ValidatorCatchesMiswiredManifests()
    {
        const string broken = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web, namespace: spgd }
            spec:
              selector: { matchLabels: { app: web } }
              template:
                metadata: { labels: { app: other } }
                spec:
                  containers:
                    - name: web
                      image: nginx:latest
                      ports: [ { name: http, containerPort: 80 } ]
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: web, namespace: default }
            spec:
              selector: { app: other }
              ports: [ { port: 80, targetPort: https } ]
            """;
        var problems = new ManifestValidator().Validate(Parse(broken));
        Assert.Contains(problems, p => p.Contains("selector app=web does not match"));
        Assert.Contains(problems, p => p.Contains("no pinned tag"));
        Assert.Contains(problems, p => p.Contains("no memory limit"));
        Assert.Contains(problems, p => p.Contains("targetPort 'https'"));
        Assert.Contains(problems, p => p.Contains("namespace is 'default'"));
    }

    private static YamlMappingNode Single(List<YamlMappingNode> objects, string kind, string name) =>
        objects.Single(o => Str(o, "kind") == kind && Str(o, "metadata", "name") == name);

    private static List<YamlMappingNode> Render(string target)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "deploy", "k8s", target);
        var psi = new ProcessStartInfo("kubectl", ["kustomize", dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("kubectl (with its built-in kustomize) is needed to render the overlays offline", e); }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {target} failed: {stderr}");
        return Parse(stdout.Result);
    }
}
