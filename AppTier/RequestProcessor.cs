using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Vision.Imaging;
using Microsoft.Extensions.Options;

namespace FaceRecognition.AppTier;

/// <summary>
/// One request message, start to end: download the picture, recognise it (or enrol, or forget), write
/// <c>&lt;stem&gt;</c> -> name to the output bucket, reply. A bad picture gets an error reply at once; any other failure
/// is thrown to the <see cref="QueueConsumer"/>, whose dead-letter rule brings the message back soon (and, after the
/// third receive, moves it to the dead-letter queue with its cause), and the last attempt also replies with the error so
/// that no client waits in silence.
/// </summary>
internal sealed partial class RequestProcessor(IAmazonS3 s3, IAmazonSQS sqs, SqsBatcher batcher, TopologyNames names, Recognition recognition,
    Enrollment enrollment, PictureAnalysis analysis, IOptions<AppTierOptions> options, ILogger<RequestProcessor> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _replyQueueUrls = new(StringComparer.Ordinal);

    /// <summary>Handles one request message for the <see cref="QueueConsumer"/>: returning means done (it is deleted).</summary>
    /// <exception cref="InputRejectedException">The message is not a recognition request (dead-lettered at once).</exception>
    public async Task HandleAsync(ReceivedMessage received, CancellationToken cancellationToken)
    {
        var message = received.Message;
        using var activity = MessageTracing.StartProcess(names.RequestQueue, message);
        var started = Stopwatch.GetTimestamp();
        RequestMetrics.QueueWait(message, TimeProvider.System);

        RecognitionRequest request;
        try
        {
            request = RecognitionMessages.ParseRequest(message.Body);
        }
        catch (InvalidDataException e)
        {
            throw new InputRejectedException($"Not a recognition request: {e.Message}", e);
        }
        activity?.SetTag("facerec.request_id", request.Id).SetTag("messaging.message.conversation_id", request.Id).SetTag("facerec.mode", request.Mode);

        RecognitionReply reply;
        try
        {
            reply = request.Mode switch
            {
                RecognitionMode.Enroll => await enrollment.EnrollAsync(request, cancellationToken),
                RecognitionMode.Forget => await enrollment.ForgetAsync(request, cancellationToken),
                RecognitionMode.Detect => await OnPictureAsync(request, picture => analysis.DetectAsync(request, picture, cancellationToken), cancellationToken),
                RecognitionMode.Verify => await OnPictureAsync(request, picture => analysis.VerifyAsync(request, picture,
                    key => DownloadAsync(request with { Key = key }, cancellationToken), cancellationToken), cancellationToken),
                _ => await RecognizeAsync(request, cancellationToken),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RequestMetrics.Duration(started, request.Mode, "failed");
            if (received.IsLastReceive)
            {
                // No client waits in silence: the last attempt tells it, and the request goes to the dead-letter queue.
                await ReplyAsync(request, RecognitionReply.Failure(request.Id, ReplyErrorCodes.Failed,
                    $"Request {request.Id} failed {received.ReceiveCount} times and was moved aside: {e.Message}"), cancellationToken);
            }
            throw;
        }

        await ReplyAsync(request, reply, cancellationToken);
        RequestMetrics.Duration(started, request.Mode, reply.Error?.Code ?? "answered");
    }

    /// <summary>Download, recognise, and store <c>stem</c> -> name in the output bucket (not for a refused picture).</summary>
    private async Task<RecognitionReply> RecognizeAsync(RecognitionRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var stem = StemOf(request.Key);
        var picture = await DownloadAsync(request, cancellationToken);
        var downloaded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        RecognitionReply reply;
        try
        {
            reply = recognition.Recognize(request, stem, picture);
        }
        catch (ImageRejectedException e)
        {
            return RecognitionReply.Failure(request.Id, ReplyErrorCodes.BadImage, e.Message);
        }
        var recognised = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (reply.Error is null)
        {
            var put = new PutObjectRequest
            {
                BucketName = names.OutputBucket,
                Key = stem,
                ContentBody = reply.Name,
                ContentType = "text/plain",
            };
            // The request's trace, continued from the message: the stored answer names the trace that produced it.
            ObjectTracing.Inject(Activity.Current, put.Metadata);
            await s3.PutObjectAsync(put, cancellationToken);
        }
        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return reply with
        {
            Timings = new ReplyTimings(Math.Round(downloaded, 1), Math.Round(recognised - downloaded, 1), Math.Round(total - recognised, 1), Math.Round(total, 1)),
        };
    }

    /// <summary>Downloads the request's picture and runs a job on it that stores no answer; a refused picture is a bad-image reply.</summary>
    private async Task<RecognitionReply> OnPictureAsync(RecognitionRequest request, Func<byte[], Task<RecognitionReply>> job, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var picture = await DownloadAsync(request, cancellationToken);
        var downloaded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            var reply = await job(picture);
            var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return reply with { Timings = new ReplyTimings(Math.Round(downloaded, 1), Math.Round(total - downloaded, 1), 0, Math.Round(total, 1)) };
        }
        catch (ImageRejectedException e)
        {
            return RecognitionReply.Failure(request.Id, ReplyErrorCodes.BadImage, e.Message);
        }
    }

    private async Task<byte[]> DownloadAsync(RecognitionRequest request, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(request.Bucket, request.Key, cancellationToken);
        if (response.ContentLength > options.Value.MaxImageBytes)
        {
            throw new ImageRejectedException(ImageRejection.TooManyBytes,
                $"The picture has {response.ContentLength:N0} bytes; the limit is {options.Value.MaxImageBytes:N0}.");
        }
        using var buffer = new MemoryStream((int)Math.Max(0, response.ContentLength));
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private async Task ReplyAsync(RecognitionRequest request, RecognitionReply reply, CancellationToken cancellationToken)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>();
        MessageTracing.Inject(Activity.Current, attributes);
        try
        {
            if (!_replyQueueUrls.TryGetValue(request.ReplyQueue, out var queueUrl))
            {
                queueUrl = (await sqs.GetQueueUrlAsync(request.ReplyQueue, cancellationToken)).QueueUrl;
                _replyQueueUrls[request.ReplyQueue] = queueUrl;
            }
            await batcher.SendAsync(queueUrl, RecognitionMessages.Serialize(reply), attributes, cancellationToken);
        }
        catch (QueueDoesNotExistException)
        {
            _replyQueueUrls.TryRemove(request.ReplyQueue, out _);
            // The web-tier instance that asked is gone; the answer is in the output bucket all the same.
            LogReplyQueueGone(request.Id, request.ReplyQueue);
        }
    }

    /// <summary>The file stem of an input key <c>&lt;stem&gt;/&lt;request id&gt;.&lt;ext&gt;</c> (or a plain <c>&lt;stem&gt;.&lt;ext&gt;</c>).</summary>
    internal static string StemOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? key[..slash] : Path.GetFileNameWithoutExtension(key);
    }

    [LoggerMessage(LogLevel.Warning, "Request {RequestId}: reply queue {Queue} no longer exists; the result is in the output bucket")]
    private partial void LogReplyQueueGone(string requestId, string queue);
}
