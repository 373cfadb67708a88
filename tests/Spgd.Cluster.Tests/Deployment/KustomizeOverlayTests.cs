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

        if (target == "overlays/gpu")
        {
            var resources = Node<YamlMappingNode>(container, "resources")!;
            Assert.Equal("1", Str(resources, "limits", "nvidia.com/gpu"));
            Assert.Equal("1", config["SPGD_SLOTS"]);
            Assert.StartsWith("cuda:", config["SPGD_DEVICE"]);
            Assert.EndsWith("-cuda", Str(container, "image"));
            Assert.NotNull(Node<YamlSequenceNode>(silo, "spec", "template", "spec", "tolerations"));
            Assert.NotEmpty(Map(silo, "spec", "template", "spec", "nodeSelector"));
        }
        if (target == "overlays/dev")
        {
            Assert.Equal("cpu", config["SPGD_DEVICE"]);
            Assert.Contains(objects, o => Str(o, "kind") == "Deployment" && Str(o, "metadata", "name") == "spgd-azurite");
            Assert.Contains(objects, o => Str(o, "kind") == "Secret" && Str(o, "metadata", "name") == "spgd-storage");
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
