using FaceRecognition.Emulator.Sqs;

namespace FaceRecognition.Emulator.Hosting;

/// <summary>Removes messages past their queue's retention period, every half minute (receives also skip them).</summary>
internal sealed class EmulatorMaintenance(MessageHandler messages, TimeProvider clock, ILogger<EmulatorMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_period, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var removed = await messages.RemoveExpiredAsync();
                if (removed > 0) logger.LogInformation("Removed {Count} messages past their retention period", removed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Removing expired messages failed; trying again in {Period}", s_period);
            }
        }
    }
}
