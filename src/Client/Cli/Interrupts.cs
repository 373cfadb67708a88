using System.Runtime.InteropServices;

namespace Spgd.Client.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM for a command that stops gracefully: the first cancels <see cref="Token"/> (the command
/// stops its work, keeps what finished and exits with <see cref="CliApp.Cancelled"/>); a second one exits at once
/// with the same code. Commands using it are registered with <see cref="CliApp.HandlesOwnInterrupts"/> so that the
/// parser's own termination handler (which gives up after a fixed timeout) stays out of the way.
/// </summary>
public sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _count;

    private Interrupts() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public static Interrupts Listen() => new();

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The first signal received (SIGINT or SIGTERM), or null.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>What to print on stdout when the first signal arrives (the command's "stopping" note).</summary>
    public string StoppingNote { get; set; } = "stopping (interrupt again to exit at once)";

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // no default termination: this process decides when to exit
        if (Interlocked.Increment(ref _count) == 1)
        {
            Signal = context.Signal;
            Console.Out.WriteLine();
            Console.Out.WriteLine(StoppingNote);
            _cts.Cancel();
            return;
        }

        CliApp.ReportError($"interrupted again ({context.Signal}): exiting at once; items in flight run again on the next run");
        Console.Out.Flush();
        Exit(CliApp.Cancelled);
    }

    // No shutdown hooks: a second interrupt means now, even if a hook would wait on the work being stopped.
    private static void Exit(int code)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _exit(code);
        Environment.Exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void _exit(int status);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
