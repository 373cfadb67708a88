using Spectre.Console;
using Spgd.Contracts.Jobs;

namespace Spgd.Client.Cluster;

/// <summary>Follows a job until it ends, as a live progress bar (done, failed, images/min, ETA) on a terminal, or as periodic lines otherwise.</summary>
public static class JobProgressView
{
    /// <summary>Polls <paramref name="job"/> every <paramref name="period"/> until it is terminal; returns the final status.</summary>
    public static async Task<JobStatus> FollowAsync(IJobGrain job, TimeSpan period, CancellationToken cancellationToken)
    {
        var status = await job.GetStatusAsync();
        var started = DateTime.UtcNow;
        var startFinished = status.Finished;
        string Line(JobStatus s)
        {
            var minutes = (DateTime.UtcNow - started).TotalMinutes;
            var rate = minutes > 0 ? (s.Finished - startFinished) / minutes : 0;
            var eta = rate > 0 ? TimeSpan.FromMinutes((s.Total - s.Finished) / rate) : (TimeSpan?)null;
            return $"{s.Succeeded} done, {s.Failed} failed, {s.InFlight} in flight · {rate:0.0} images/min · ETA {(eta is { } e ? e.ToString(@"hh\:mm\:ss") : "--:--:--")}";
        }

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPrinted = DateTime.MinValue;
            while (!status.IsTerminal)
            {
                if (DateTime.UtcNow - lastPrinted > TimeSpan.FromSeconds(10))
                {
                    Console.WriteLine($"{status.JobId}: {status.Finished}/{status.Total} · {Line(status)}");
                    lastPrinted = DateTime.UtcNow;
                }

                await Task.Delay(period, cancellationToken);
                status = await job.GetStatusAsync();
            }

            return status;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask(Markup.Escape(Line(status)), maxValue: Math.Max(1, status.Total));
                while (true)
                {
                    bar.Value = status.Finished;
                    bar.Description = Markup.Escape(Line(status));
                    if (status.IsTerminal) break;
                    await Task.Delay(period, cancellationToken);
                    status = await job.GetStatusAsync();
                }
            });
        return status;
    }
}
