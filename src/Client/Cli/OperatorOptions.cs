using System.CommandLine;
using System.CommandLine.Parsing;
using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Client.Cli;

/// <summary>The options that choose a forward operator: <c>--task</c>, <c>--mask</c> | <c>--kernel</c> and the <c>--seed</c>
/// that draws a mask or kernel when none is given. Shared by <c>operator</c> and <c>restore</c>.</summary>
public sealed class OperatorOptions
{
    /// <summary>--task: a canonical task name or a reference alias.</summary>
    public Option<string> Task { get; } = new("--task")
    {
        Description = "Forward operator: " + string.Join(", ", TaskNames.All) + " (or a reference alias, e.g. down_sampling)",
        Required = true,
        HelpName = "name",
    };

    /// <summary>--mask: an inpainting mask file.</summary>
    public Option<string> Mask { get; } = CliOptions.ExistingFile("--mask", "Inpainting mask, .npy (H,W) or (1,1,H,W), 1 keeps a pixel (default: drawn from --seed)", required: false);

    /// <summary>--kernel: a blur kernel file.</summary>
    public Option<string> Kernel { get; } = CliOptions.ExistingFile("--kernel", "Blur kernel, .npy (K,K) with odd K (default: generated; motion blur from --seed)", required: false);

    /// <summary>--seed: draws the mask, kernel and measurement noise.</summary>
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of every random draw: mask, motion kernel (and with --image the measurement noise and x_T)", DefaultValueFactory = _ => 0UL };

    /// <summary>The nonlinear blur's network and code options.</summary>
    public NonlinearBlurOptions NonlinearBlur { get; } = new();

    /// <summary>Adds the options to <paramref name="command"/>, with a check that a mask/kernel suits the task.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Task);
        command.Options.Add(Mask);
        command.Options.Add(Kernel);
        command.Options.Add(Seed);
        NonlinearBlur.AddTo(command);
        Task.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (name is not null && !TaskNames.IsKnown(name)) result.AddError("--task: " + UnknownTaskMessage(name));
        });
        command.Validators.Add(CheckMaskOrKernel);
    }

    /// <summary>The operator for height×width images, from the mask/kernel file when given.</summary>
    public ForwardOperator Create(ParseResult parse, int height, int width, double noiseSigma = 0)
    {
        var settings = Settings(parse, noiseSigma);
        if ((settings.MaskPath ?? settings.KernelPath) is { } path)
        {
            var option = settings.MaskPath is null ? "--kernel" : "--mask";
            using var tensor = TensorFiles.ReadArray(path, option).ToTensor();
            try
            {
                return OperatorFactory.Create(settings, height, width, tensor);
            }
            catch (ArgumentException e)
            {
                throw new CliInputException($"{option} {path}: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}");
            }
        }
        return OperatorFactory.Create(settings, height, width, parse.GetValue(Seed));
    }

    /// <summary>The operator settings the options describe (reference defaults for everything else).</summary>
    public OperatorSettings Settings(ParseResult parse, double noiseSigma) =>
        new(TaskNames.Normalize(parse.GetValue(Task)!), noiseSigma)
        {
            MaskPath = parse.GetValue(Mask),
            KernelPath = parse.GetValue(Kernel),
            NonlinearBlur = NonlinearBlur.Settings(parse, TaskNames.Normalize(parse.GetValue(Task)!)),
        };

    private void CheckMaskOrKernel(CommandResult result)
    {
        var name = result.GetValue(Task);
        if (name is null || !TaskNames.IsKnown(name)) return;
        var task = TaskNames.Normalize(name);
        NonlinearBlur.Check(result, task);
        bool mask = result.GetValue(Mask) is not null, kernel = result.GetValue(Kernel) is not null;
        if (mask && kernel) result.AddError("--mask and --kernel exclude each other (a task takes at most one)");
        else if (mask && task is not (TaskNames.InpaintingRandom or TaskNames.InpaintingBox))
            result.AddError($"--mask: task {task} takes no mask (only {TaskNames.InpaintingRandom} and {TaskNames.InpaintingBox} do)");
        else if (kernel && task is not (TaskNames.GaussianBlur or TaskNames.MotionBlur))
            result.AddError($"--kernel: task {task} takes no kernel (only {TaskNames.GaussianBlur} and {TaskNames.MotionBlur} do)");
    }

    private static string UnknownTaskMessage(string name)
    {
        try
        {
            TaskNames.Normalize(name);
            return $"unknown task '{name}'";
        }
        catch (ArgumentException e)
        {
            return e.Message.Replace($" (Parameter '{e.ParamName}')", "");
        }
    }
}
