using Amazon.SQS;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// Keeps a message invisible while it is being worked on, renewing at half the timeout, until disposed. Every message
/// the app tier and the functions handle gets one, so it costs one timer and nothing on the way out: the earlier loop on
/// a <see cref="PeriodicTimer"/> ended by throwing (and tracing) an OperationCanceledException per message, about 8 % of
/// the app tier's CPU under load (bench/EndToEnd).
/// </summary>
public sealed partial class VisibilityExtender : IDisposable
{
    private readonly IAmazonSQS _sqs;
    private readonly string _queueUrl;
    private readonly string _receiptHandle;
    private readonly int _timeoutSeconds;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _timer;
    private int _renewing;

    private VisibilityExtender(IAmazonSQS sqs, string queueUrl, string receiptHandle, int timeoutSeconds, ILogger logger)
    {
        (_sqs, _queueUrl, _receiptHandle, _timeoutSeconds, _logger) = (sqs, queueUrl, receiptHandle, timeoutSeconds, logger);
        var period = TimeSpan.FromSeconds(timeoutSeconds / 2.0);
        _timer = TimeProvider.System.CreateTimer(static state => ((VisibilityExtender)state!).Renew(), this, period, period);
    }

    public static VisibilityExtender Start(IAmazonSQS sqs, string queueUrl, string receiptHandle, int timeoutSeconds, ILogger logger) =>
        new(sqs, queueUrl, receiptHandle, timeoutSeconds, logger);

    private void Renew()
    {
        // A tick can still arrive after Dispose; a slow renewal is not started twice.
        if (_stop.IsCancellationRequested || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }
        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            await _sqs.ChangeMessageVisibilityAsync(_queueUrl, _receiptHandle, _timeoutSeconds, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is AmazonSQSException or HttpRequestException)
        {
            LogCouldNotExtend(_logger, e.Message);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>Stops renewing; a renewal on its way is cancelled (the message is about to be deleted or released).</summary>
    public void Dispose()
    {
        _timer.Dispose();
        _stop.Cancel();
    }

    [LoggerMessage(LogLevel.Warning, "Could not extend a message's visibility; it may be delivered again: {Reason}")]
    private static partial void LogCouldNotExtend(ILogger logger, string reason);
}
