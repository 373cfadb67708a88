using System.CommandLine;
using System.CommandLine.Parsing;
using Spgd.Core.Models.Bkse;
using Spgd.Core.Operators;

namespace Spgd.Client.Cli;

/// <summary>The options of <c>--task nonlinear_blur</c>: <c>--blur-model</c> (required there), <c>--blur-options</c>, <c>--kernel-code</c>.</summary>
public sealed class NonlinearBlurOptions
{
    /// <summary>--blur-model: the KernelWizard checkpoint.</summary>
    public Option<string> BlurModel { get; } = CliOptions.ExistingFile("--blur-model",
        "nonlinear_blur: BKSE's trained KernelWizard, GOPRO_wVAE.pth (torch.save state dict or .safetensors)", required: false);

    /// <summary>--blur-options: preset or BKSE option file.</summary>
    public Option<string> BlurOptions { get; } = new("--blur-options")
    {
        Description = $"nonlinear_blur: the KernelWizard's options, a preset ({string.Join(", ", KernelWizardOptions.Presets.Keys)}) or a BKSE option file (YAML with a KernelWizard section)",
        DefaultValueFactory = _ => NonlinearBlurSettings.DefaultOptions,
        HelpName = "preset|path",
    };

    /// <summary>--kernel-code: a .npy code instead of the reference's seed-0 draw.</summary>
    public Option<string> KernelCode { get; } = CliOptions.ExistingFile("--kernel-code",
        "nonlinear_blur: kernel code, .npy [1, 8·nf, H/128, W/128] (default: np.random.seed(0) normals × 1.2, as the reference)", required: false);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(BlurModel);
        command.Options.Add(BlurOptions);
        command.Options.Add(KernelCode);
        BlurOptions.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !KernelWizardOptions.Presets.ContainsKey(value) && !File.Exists(value))
                result.AddError($"--blur-options: '{value}' is neither a preset ({string.Join(", ", KernelWizardOptions.Presets.Keys)}) nor an existing file");
        });
    }

    /// <summary>Adds an error to <paramref name="result"/> when the options do not suit <paramref name="task"/> (canonical).</summary>
    public void Check(CommandResult result, string task)
    {
        bool model = result.GetValue(BlurModel) is not null, code = result.GetValue(KernelCode) is not null,
            options = result.GetResult(BlurOptions) is { Implicit: false };
        if (task == TaskNames.NonlinearBlur)
        {
            if (!model) result.AddError($"--task {TaskNames.NonlinearBlur} needs --blur-model PATH: BKSE's trained KernelWizard (GOPRO_wVAE.pth, from the blur-kernel-space-exploring model zoo)");
        }
        else if (model || code || options)
        {
            result.AddError($"--blur-model, --blur-options and --kernel-code apply only to --task {TaskNames.NonlinearBlur}, not {task}");
        }
    }

    /// <summary>The settings the options describe, for nonlinear_blur; null for other tasks.</summary>
    public NonlinearBlurSettings? Settings(ParseResult parse, string task) => task != TaskNames.NonlinearBlur
        ? null
        : new NonlinearBlurSettings(parse.GetValue(BlurModel)) { Options = parse.GetValue(BlurOptions)!, KernelCodePath = parse.GetValue(KernelCode) };
}
