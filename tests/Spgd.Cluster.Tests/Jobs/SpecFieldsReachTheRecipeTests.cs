using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Recipes;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>
/// A spec runs what it says: every field the spec loader accepts either changes what runs (the job definition, and for
/// sampler, operator, protocol and sweep settings the resolved recipe) or the spec is refused with a problem naming
/// it. The fields are found by reflection, so a field added to the spec without a mapping (or a probe here) fails.
/// </summary>
public sealed class SpecFieldsReachTheRecipeTests
{
    private static readonly JobSpecValidationOptions NoFiles = new() { CheckFiles = false, BaseDirectory = "/data" };

    // Fields whose value deliberately goes elsewhere than the job definition, and where it goes.
    private static readonly Dictionary<string, string> GoesElsewhere = new()
    {
        ["job_id"] = "the job's id (spgd run/submit bind it; not a setting of what runs)",
    };

    // Where each field is probed: the base spec it is set in (so that the field applies) and the value set.
    private static (string Base, JsonNode Value) Probe(string path) => path switch
    {
        "protocol" => ("spectral", "spgd-imagenet"),
        "runs" => ("spectral", 2),
        "seed" => ("spectral", 7),
        "dataset.folder" => ("folder", "other"),
        "dataset.blob_prefix" => ("folder", "datasets/ffhq/"),
        "dataset.blob_container" => ("folder", "inputs"),
        "dataset.builtin" => ("spectral", "imagenet-demo"),
        "dataset.count" => ("spectral", 3),
        "dataset.start_index" => ("folder", 1),
        "dataset.end_index" => ("folder", 3),
        "dataset.image_size" => ("spectral", 32),
        "dataset.split" => ("folder", "val"),
        "model.kind" => ("spectral", "unet"),
        "model.variance" => ("spectral", 0.3),
        "model.alpha" => ("spectral", 2.0),
        "model.preset" => ("unet", "imagenet256"),
        "model.config" => ("unet-config", "other.yaml"),
        "model.checkpoint" => ("unet", "other.pt"),
        "model.checkpoint_blob" => ("unet", "models/ffhq.pt"),
        "model.precision" => ("unet", "bf16"),
        "tasks[0].operator.checkpoint" => ("nlb", "other.pth"),
        "tasks[0].operator.kernel_wizard" => ("nlb", "kernel_wizard.yml"),
        "tasks[0].operator.kernel_code" => ("nlb", "code.npy"),
        "tasks[0].name" => ("spectral", "gaussian_blur"),
        "tasks[0].label" => ("spectral", "mine"),
        "tasks[0].best_of" => ("spectral", 1),
        "tasks[0].operator.noise_sigma" => ("spectral", 0.02),
        "tasks[0].operator.mask_fraction" => ("spectral", 0.5),
        "tasks[0].operator.box_size" => ("task:inpainting_box", 8),
        "tasks[0].operator.box_margin" => ("task:inpainting_box", 4),
        "tasks[0].operator.kernel_size" => ("task:gaussian_blur", 9),
        "tasks[0].operator.kernel_std" => ("task:gaussian_blur", 2.0),
        "tasks[0].operator.motion_intensity" => ("task:motion_blur", 0.3),
        "tasks[0].operator.scale" => ("task:super_resolution", 2),
        "tasks[0].operator.oversample" => ("task:phase_retrieval", 1.0),
        "tasks[0].operator.hdr_scale" => ("task:hdr", 3.0),
        "tasks[0].operator.kernel_path" => ("task:gaussian_blur", "k.npy"),
        "tasks[0].operator.mask_path" => ("spectral", "m.npy"),
        "tasks[0].sampler.steps" => ("spectral", 3),
        "tasks[0].sampler.warmup" => ("spectral", 3),
        "tasks[0].sampler.lr" => ("spectral", 1.2),
        "tasks[0].sampler.lr_min_ratio" => ("spectral", 0.5),
        "tasks[0].sampler.beta" => ("spectral", 0.8),
        "tasks[0].sampler.preset" => ("spectral", "reference"),
        "tasks[0].sampler.diffstategrad_tau" => ("spectral", 0.5),
        "tasks[0].sampler.diffstategrad_period" => ("dsg", 2),
        "tasks[0].sampler.sigma_max" => ("spectral", 50.0),
        "tasks[0].sampler.sigma_min" => ("spectral", 0.2),
        "tasks[0].sampler.sampler" => ("spectral", "dps"),
        "tasks[0].sampler.adm" => ("spectral", false),
        "tasks[0].sampler.dps_step_size" => ("dps", 0.5),
        "tasks[0].sampler.adm_scope" => ("spectral", "trajectory"),
        "save.restored" => ("spectral", false),
        "save.measurements" => ("spectral", false),
        "save.item_json" => ("spectral", false),
        "save.step_traces" => ("spectral", true),
        "metrics.lpips_weights" => ("spectral", "lpips.pth"),
        "metrics.vgg_weights" => ("spectral", "vgg.pth"),
        "sweep.sampler" => ("spectral", new JsonArray("dps")),
        "sweep.steps" => ("spectral", new JsonArray(3)),
        "sweep.warmup" => ("spectral", new JsonArray(3)),
        "sweep.lr" => ("spectral", new JsonArray(1.2)),
        "sweep.beta" => ("spectral", new JsonArray(0.8)),
        "sweep.preset" => ("spectral", new JsonArray("reference")),
        "sweep.adm" => ("spectral", new JsonArray(false)),
        "sweep.diffstategrad_tau" => ("spectral", new JsonArray(0.5)),
        "sweep.dps_step_size" => ("spectral", new JsonArray(0.5)),
        "sweep.adm_scope" => ("spectral", new JsonArray("trajectory")),
        _ => throw new Xunit.Sdk.XunitException(
            $"The spec has a field '{path}' this test cannot probe: map it into the job definition (or refuse it in JobSpecValidator), then add a probe here."),
    };

    private static JsonObject Base(string kind)
    {
        var task = new JsonObject { ["name"] = "inpainting_random" };
        var root = new JsonObject
        {
            ["dataset"] = new JsonObject { ["builtin"] = "spectral-demo", ["count"] = 2, ["image_size"] = 64 },
            ["model"] = new JsonObject { ["kind"] = "spectral-gaussian" },
            ["tasks"] = new JsonArray(task),
        };
        switch (kind)
        {
            case "folder": root["dataset"] = new JsonObject { ["folder"] = "images", ["image_size"] = 64 }; break;
            case "unet":
                root["dataset"]!["image_size"] = 256;
                root["model"] = new JsonObject { ["kind"] = "unet", ["preset"] = "ffhq256", ["checkpoint"] = "ffhq.pt" };
                break;
            case "unet-config": root["model"] = new JsonObject { ["kind"] = "unet", ["config"] = "model.yaml", ["checkpoint"] = "ffhq.pt" }; break;
            case "dsg": task["sampler"] = new JsonObject { ["diffstategrad_tau"] = 0.9 }; break;
            case "dps": task["sampler"] = new JsonObject { ["sampler"] = "dps-edm" }; break;
            case "nlb":
                // Nonlinear deblurring needs its KernelWizard checkpoint and sides that are multiples of 128.
                root["dataset"]!["image_size"] = 128;
                task["name"] = "nonlinear_blur";
                task["operator"] = new JsonObject { ["checkpoint"] = "kw.pth" };
                break;
            case var t when t.StartsWith("task:", StringComparison.Ordinal): task["name"] = t[5..]; break;
        }
        return root;
    }

    public static TheoryData<string> Fields()
    {
        var data = new TheoryData<string>();
        foreach (var path in Leaves(typeof(JobSpec), "")) data.Add(path);
        return data;
    }

    // Every settable property, recursing into the spec's own mapping types (a list of tasks as its first element).
    private static IEnumerable<string> Leaves(Type type, string prefix)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var name = prefix + (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name));
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) && IsSpecType(t.GetGenericArguments()[0]))
                foreach (var leaf in Leaves(t.GetGenericArguments()[0], name + "[0].")) yield return leaf;
            else if (IsSpecType(t))
                foreach (var leaf in Leaves(t, name + ".")) yield return leaf;
            else yield return name;
        }
    }

    private static bool IsSpecType(Type t) => t.IsClass && t != typeof(string) && t.Namespace?.StartsWith("Spgd.Contracts", StringComparison.Ordinal) == true;

    [Fact]
    public void The_reflection_finds_the_fields_of_every_section() =>
        Assert.Superset(new HashSet<string> { "protocol", "tasks[0].sampler.sampler", "tasks[0].sampler.adm", "tasks[0].sampler.dps_step_size",
            "tasks[0].operator.box_margin", "sweep.lr", "dataset.folder", "model.checkpoint_blob", "metrics.vgg_weights", "save.item_json" },
            Leaves(typeof(JobSpec), "").ToHashSet());

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_non_default_value_reaches_what_runs_or_is_refused_naming_the_field(string path)
    {
        if (GoesElsewhere.ContainsKey(path)) return;
        var (baseKind, value) = Probe(path);
        var baseTree = Base(baseKind);
        var probeTree = (JsonObject)baseTree.DeepClone();
        Set(probeTree, path, value);
        if (path == "model.kind")
        {
            // A UNet needs its companions (preset and checkpoint, 256² images): set them too, so the kind is what changes.
            probeTree["model"]!["preset"] = "ffhq256";
            probeTree["model"]!["checkpoint"] = "ffhq.pt";
            probeTree["dataset"]!["image_size"] = 256;
        }

        var key = path[(path.LastIndexOf('.') + 1)..].Replace("[0]", "");
        var baseOutcome = Outcome(baseTree);
        Assert.True(baseOutcome.Problems.Count == 0, $"the base spec of {path} is itself refused: {string.Join("; ", baseOutcome.Problems)}");
        var probe = Outcome(probeTree);
        if (probe.Problems.Count > 0)
        {
            Assert.Contains(probe.Problems, p => p.Contains(key, StringComparison.Ordinal));
            return;
        }
        if (path.StartsWith("tasks[0].sampler.", StringComparison.Ordinal) || path.StartsWith("tasks[0].operator.", StringComparison.Ordinal)
            || path.StartsWith("sweep.", StringComparison.Ordinal) || path is "protocol" or "tasks[0].name")
            Assert.True(baseOutcome.Recipes != probe.Recipes, $"{path} = {value.ToJsonString()} was accepted but the resolved recipe is unchanged: {probe.Recipes}");
        else
            Assert.True(baseOutcome.Definition != probe.Definition, $"{path} = {value.ToJsonString()} was accepted but the job definition is unchanged");
    }

    [Fact]
    public void The_issues_dps_task_resolves_to_dps_with_t_evaluations_and_is_named_dps()
    {
        var spec = JobSpecLoader.Parse("""
            dataset: { builtin: spectral-demo, count: 1, image_size: 32 }
            model: { kind: spectral-gaussian }
            tasks:
              - name: inpainting_random
                sampler: { sampler: dps-edm, steps: 20, dps_step_size: 1.0 }
            """);
        Assert.Empty(JobSpecValidator.Validate(spec, NoFiles));
        var recipe = Assert.Single(RecipeResolver.ResolveAll(JobSpecMapper.ToDefinition(spec)));
        Assert.Equal(("dps-edm", 20, 1, 20L), (recipe.Algorithm, recipe.Steps, recipe.Warmup, recipe.NetworkEvaluationsPerImage));
        Assert.Equal("DPS-EDM ζ=1", recipe.Label);
        Assert.Equal(RecipeResolver.FromTask, recipe.Sources["sampler"]);
    }

    private sealed record Result(IReadOnlyList<string> Problems, string? Definition, string? Recipes);

    private static Result Outcome(JsonObject tree)
    {
        JobSpec spec;
        try { spec = JobSpecLoader.Parse(tree.ToJsonString(), "probe.json", isJson: true); }
        catch (JobSpecFormatException e) { return new Result([e.Message], null, null); }
        var problems = JobSpecValidator.Validate(spec, NoFiles);
        if (problems.Count > 0) return new Result(problems, null, null);
        try
        {
            var definition = JobSpecMapper.ToDefinition(spec, "/data");
            var recipes = RecipeResolver.ResolveAll(definition);
            return new Result([], JsonSerializer.Serialize(definition), JsonSerializer.Serialize(recipes));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return new Result([e.Message], null, null);
        }
    }

    private static void Set(JsonObject root, string path, JsonNode value)
    {
        JsonNode node = root;
        var parts = path.Split('.');
        foreach (var part in parts[..^1])
        {
            var name = part.Replace("[0]", "");
            var child = node[name] ?? (node[name] = new JsonObject());
            node = part.EndsWith("[0]", StringComparison.Ordinal) ? child[0]! : child;
        }
        node[parts[^1]] = value;
    }
}
