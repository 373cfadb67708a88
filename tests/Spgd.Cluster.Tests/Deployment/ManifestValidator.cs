using YamlDotNet.RepresentationModel;

namespace Spgd.Cluster.Tests.Deployment;

/// <summary>
/// Offline checks of rendered Kubernetes manifests: what a cluster's API server and controllers
/// would reject or silently mis-wire (selectors that match no pod, ports that do not exist, floating tags).
/// </summary>
internal sealed class ManifestValidator
{
    private static readonly HashSet<string> ClusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"];
    private static readonly HashSet<string> Workloads = ["Deployment", "StatefulSet", "Job", "DaemonSet"];

    /// <summary>Secrets the operator creates by hand (never committed); references to them are allowed.</summary>
    public HashSet<string> ExternalSecrets { get; } = ["spgd-storage"];

    public string Namespace { get; init; } = "spgd";

    public static List<YamlMappingNode> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public List<string> Validate(IReadOnlyList<YamlMappingNode> objects)
    {
        var problems = new List<string>();
        var byKind = objects.GroupBy(o => Str(o, "kind") ?? "").ToDictionary(g => g.Key, g => g.ToList());
        List<YamlMappingNode> Of(string kind) => byKind.TryGetValue(kind, out var l) ? l : [];
        bool Exists(string kind, string name) => Of(kind).Any(o => Str(o, "metadata", "name") == name);

        foreach (var o in objects)
        {
            string id = $"{Str(o, "kind")}/{Str(o, "metadata", "name")}";
            if (string.IsNullOrEmpty(Str(o, "apiVersion"))) problems.Add($"{id}: no apiVersion");
            if (string.IsNullOrEmpty(Str(o, "kind"))) problems.Add($"{id}: no kind");
            if (string.IsNullOrEmpty(Str(o, "metadata", "name"))) problems.Add($"{id}: no metadata.name");
            if (!ClusterScoped.Contains(Str(o, "kind") ?? "") && Str(o, "metadata", "namespace") != Namespace)
                problems.Add($"{id}: namespace is '{Str(o, "metadata", "namespace")}', expected '{Namespace}'");
        }

        var podTemplates = new List<(string Id, YamlMappingNode Template)>();
        foreach (var w in objects.Where(o => Workloads.Contains(Str(o, "kind") ?? "")))
        {
            string id = $"{Str(w, "kind")}/{Str(w, "metadata", "name")}";
            var template = Node<YamlMappingNode>(w, "spec", "template");
            if (template is null) { problems.Add($"{id}: no pod template"); continue; }
            podTemplates.Add((id, template));
            var labels = Map(template, "metadata", "labels");
            if (Str(w, "kind") != "Job")
            {
                var match = Map(w, "spec", "selector", "matchLabels");
                if (match.Count == 0) problems.Add($"{id}: empty selector");
                foreach (var (k, v) in match)
                    if (!labels.TryGetValue(k, out var lv) || lv != v) problems.Add($"{id}: selector {k}={v} does not match its pod template labels");
            }
            if (Str(w, "kind") == "StatefulSet" && Str(w, "spec", "serviceName") is { } svc && !Exists("Service", svc))
                problems.Add($"{id}: serviceName '{svc}' is not a Service");
            if (Str(template, "spec", "serviceAccountName") is { } sa && !Exists("ServiceAccount", sa))
                problems.Add($"{id}: service account '{sa}' not defined");

            var containers = Node<YamlSequenceNode>(template, "spec", "containers")?.OfType<YamlMappingNode>().ToList() ?? [];
            if (containers.Count == 0) problems.Add($"{id}: no containers");
            foreach (var c in containers)
            {
                string cid = $"{id} container {Str(c, "name")}";
                var image = Str(c, "image") ?? "";
                var tag = image.Contains('@') ? "digest" : image.LastIndexOf(':') > image.LastIndexOf('/') ? image[(image.LastIndexOf(':') + 1)..] : "";
                if (tag is "" or "latest") problems.Add($"{cid}: image '{image}' has no pinned tag");
                if (Str(c, "resources", "limits", "memory") is null) problems.Add($"{cid}: no memory limit");
                var portNames = (Node<YamlSequenceNode>(c, "ports")?.OfType<YamlMappingNode>() ?? []).Select(p => Str(p, "name")).ToHashSet();
                foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
                    if (Str(c, probe, "httpGet", "port") is { } pp && !int.TryParse(pp, out _) && !portNames.Contains(pp))
                        problems.Add($"{cid}: {probe} port '{pp}' is not a container port");
                foreach (var e in Node<YamlSequenceNode>(c, "envFrom")?.OfType<YamlMappingNode>() ?? [])
                    if (Str(e, "configMapRef", "name") is { } cm && !Exists("ConfigMap", cm)) problems.Add($"{cid}: ConfigMap '{cm}' not defined");
                foreach (var e in Node<YamlSequenceNode>(c, "env")?.OfType<YamlMappingNode>() ?? [])
                {
                    if (Str(e, "valueFrom", "configMapKeyRef", "name") is { } cm)
                    {
                        var key = Str(e, "valueFrom", "configMapKeyRef", "key");
                        var map = Of("ConfigMap").FirstOrDefault(m => Str(m, "metadata", "name") == cm);
                        if (map is null || key is null || !Map(map, "data").ContainsKey(key)) problems.Add($"{cid}: ConfigMap key {cm}/{key} not defined");
                    }
                    if (Str(e, "valueFrom", "secretKeyRef", "name") is { } s && !Exists("Secret", s) && !ExternalSecrets.Contains(s))
                        problems.Add($"{cid}: Secret '{s}' not defined");
                }
            }
            foreach (var v in Node<YamlSequenceNode>(template, "spec", "volumes")?.OfType<YamlMappingNode>() ?? [])
            {
                if (Str(v, "configMap", "name") is { } cm && !Exists("ConfigMap", cm)) problems.Add($"{id}: volume ConfigMap '{cm}' not defined");
                if (Str(v, "persistentVolumeClaim", "claimName") is { } pvc && !Exists("PersistentVolumeClaim", pvc)) problems.Add($"{id}: PVC '{pvc}' not defined");
            }
        }

        foreach (var s in Of("Service").Concat(Of("PodDisruptionBudget")))
        {
            string id = $"{Str(s, "kind")}/{Str(s, "metadata", "name")}";
            var selector = Str(s, "kind") == "Service" ? Map(s, "spec", "selector") : Map(s, "spec", "selector", "matchLabels");
            if (selector.Count == 0) { problems.Add($"{id}: empty selector"); continue; }
            var pods = podTemplates.Where(p => selector.All(kv => Map(p.Template, "metadata", "labels").TryGetValue(kv.Key, out var v) && v == kv.Value)).ToList();
            if (pods.Count == 0) { problems.Add($"{id}: selector matches no pod template"); continue; }
            if (Str(s, "kind") != "Service") continue;
            var containerPorts = pods.SelectMany(p => Node<YamlSequenceNode>(p.Template, "spec", "containers")!.OfType<YamlMappingNode>())
                .SelectMany(c => Node<YamlSequenceNode>(c, "ports")?.OfType<YamlMappingNode>() ?? [])
                .Select(p => (Name: Str(p, "name"), Port: Str(p, "containerPort"))).ToList();
            foreach (var port in Node<YamlSequenceNode>(s, "spec", "ports")?.OfType<YamlMappingNode>() ?? [])
            {
                var target = Str(port, "targetPort") ?? Str(port, "port");
                if (!containerPorts.Any(cp => cp.Name == target || cp.Port == target)) problems.Add($"{id}: targetPort '{target}' is not a container port of its pods");
            }
        }

        foreach (var rb in Of("RoleBinding"))
        {
            if (Str(rb, "roleRef", "name") is { } role && !Exists("Role", role)) problems.Add($"RoleBinding/{Str(rb, "metadata", "name")}: Role '{role}' not defined");
            foreach (var subject in Node<YamlSequenceNode>(rb, "subjects")?.OfType<YamlMappingNode>() ?? [])
                if (Str(subject, "kind") == "ServiceAccount" && !Exists("ServiceAccount", Str(subject, "name") ?? "")) problems.Add($"RoleBinding: ServiceAccount '{Str(subject, "name")}' not defined");
        }
        return problems;
    }

    public static T? Node<T>(YamlNode? node, params string[] path) where T : YamlNode
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(key), out node)) return null;
        }
        return node as T;
    }

    public static string? Str(YamlNode? node, params string[] path) => Node<YamlScalarNode>(node, path)?.Value;

    public static Dictionary<string, string> Map(YamlNode? node, params string[] path) =>
        Node<YamlMappingNode>(node, path)?.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (kv.Value as YamlScalarNode)?.Value ?? "") ?? [];
}
