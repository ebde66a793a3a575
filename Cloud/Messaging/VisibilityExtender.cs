using Amazon.SQS;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>Keeps a message invisible while it is being worked on, renewing at half the timeout, until disposed.</summary>
public sealed partial class VisibilityExtender : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private VisibilityExtender(IAmazonSQS sqs, string queueUrl, string receiptHandle, int timeoutSeconds, ILogger logger)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(timeoutSeconds / 2.0));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    await sqs.ChangeMessageVisibilityAsync(queueUrl, receiptHandle, timeoutSeconds, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is AmazonSQSException or HttpRequestException)
            {
                LogCouldNotExtend(logger, e.Message);
            }
        });
    }

    public static VisibilityExtender Start(IAmazonSQS sqs, string queueUrl, string receiptHandle, int timeoutSeconds, ILogger logger) =>
        new(sqs, queueUrl, receiptHandle, timeoutSeconds, logger);

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    [LoggerMessage(LogLevel.Warning, "Could not extend a message's visibility; it may be delivered again: {Reason}")]
    private static partial void LogCouldNotExtend(ILogger logger, string reason);
}
