using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier;

/// <summary>No reply within the timeout; the app tier may still answer, into the output bucket.</summary>
internal sealed class ReplyTimeoutException(string requestId, TimeSpan timeout)
    : Exception($"No reply to request {requestId} within {timeout.TotalSeconds:0} s; its result will still be written to the output bucket.")
{
    public string RequestId { get; } = requestId;
}

/// <summary>S3 or SQS could not be reached.</summary>
internal sealed class CloudUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// One recognition through the cloud: the picture to the input bucket, a request (under 1 KB) to the request queue
/// with the trace context, then the reply from this instance's reply queue.
/// </summary>
internal sealed class RecognitionClient(IAmazonS3 s3, IAmazonSQS sqs, SqsBatcher batcher, TopologyNames names, ReplyListener replies,
    Scaling.AutoScaler scaler, RecentRequests recent, TimeProvider time, IOptions<WebTierOptions> options)
{
    private string? _requestQueueUrl;

    /// <summary>Where pictures go, and where the app tier leaves drawn ones.</summary>
    public string InputBucket => names.InputBucket;

    public Task<(string RequestId, RecognitionReply Reply)> RecognizeAsync(string stem, string extension, Stream picture, CancellationToken cancellationToken,
        FaceOptions? faceOptions = null)
    {
        var id = NewId();
        var key = $"{stem}/{id}{extension}";
        return RunAsync([(key, extension, picture)], Request(id, key, options.Value.Mode) with
        {
            Threshold = faceOptions?.Threshold,
            MaxFaces = faceOptions?.MaxFaces,
            Landmarks = faceOptions?.Landmarks,
        }, cancellationToken);
    }

    /// <summary>Asks an app-tier instance for the picture's faces, without naming them; with <paramref name="draw"/>
    /// (<c>png</c> or <c>jpeg</c>) it also stores the picture with them drawn (the reply's <c>DrawnKey</c>).</summary>
    public Task<(string RequestId, RecognitionReply Reply)> DetectAsync(Upload picture, FaceOptions faceOptions, string? draw, CancellationToken cancellationToken)
    {
        var id = NewId();
        var key = $"{picture.Stem}/{id}{picture.Extension}";
        return RunAsync([(key, picture.Extension, picture.Content)], Request(id, key, RecognitionMode.Detect) with
        {
            MaxFaces = faceOptions.MaxFaces,
            Landmarks = faceOptions.Landmarks,
            Draw = draw,
        }, cancellationToken);
    }

    /// <summary>Asks whether <paramref name="first"/> shows the same person as <paramref name="second"/>, or as the
    /// enrolled <paramref name="identity"/> (exactly one of the two).</summary>
    public Task<(string RequestId, RecognitionReply Reply)> VerifyAsync(Upload first, Upload? second, string? identity, float? threshold, CancellationToken cancellationToken)
    {
        var id = NewId();
        var key = $"{first.Stem}/{id}{first.Extension}";
        var secondKey = second is null ? null : $"{second.Stem}/{id}-2{second.Extension}";
        (string, string, Stream)[] objects = second is null
            ? [(key, first.Extension, first.Content)]
            : [(key, first.Extension, first.Content), (secondKey!, second.Extension, second.Content)];
        return RunAsync(objects, Request(id, key, RecognitionMode.Verify) with { Name = identity, SecondKey = secondKey, Threshold = threshold }, cancellationToken);
    }

    /// <summary>Puts the pictures under <c>enroll/&lt;name&gt;/&lt;id&gt;/</c> and asks an app-tier instance to enrol them.</summary>
    public Task<(string RequestId, RecognitionReply Reply)> EnrollAsync(string name, IReadOnlyList<Upload> pictures, CancellationToken cancellationToken)
    {
        var id = NewId();
        var prefix = $"enroll/{name}/{id}/";
        var objects = pictures.Select((p, i) => ($"{prefix}{i:000}-{p.Stem}{p.Extension}", p.Extension, (Stream)p.Content)).ToArray();
        return RunAsync(objects, Request(id, prefix, RecognitionMode.Enroll) with { Name = name }, cancellationToken);
    }

    /// <summary>Asks the app tier, which alone writes the gallery, to remove <paramref name="name"/> (or only its face <paramref name="faceId"/>).</summary>
    public Task<(string RequestId, RecognitionReply Reply)> ForgetAsync(string name, string? faceId, CancellationToken cancellationToken)
    {
        var id = NewId();
        return RunAsync([], Request(id, $"forget/{name}", RecognitionMode.Forget) with { Name = name, FaceId = faceId }, cancellationToken);
    }

    private RecognitionRequest Request(string id, string key, string mode) =>
        new(RecognitionRequest.Version, id, names.InputBucket, key, replies.QueueName, mode);

    private async Task<(string RequestId, RecognitionReply Reply)> RunAsync((string Key, string Extension, Stream Content)[] objects,
        RecognitionRequest request, CancellationToken cancellationToken)
    {
        var id = request.Id;
        var started = time.GetTimestamp();
        var subject = request.Name ?? request.Key;
        using var activity = MessageTracing.StartSend(names.RequestQueue, conversationId: id);
        activity?.SetTag("facerec.request_id", id).SetTag("facerec.mode", request.Mode);
        using var pending = replies.Expect(id);
        try
        {
            await replies.Ready.WaitAsync(cancellationToken);
            foreach (var (objectKey, extension, content) in objects)
            {
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = names.InputBucket,
                    Key = objectKey,
                    InputStream = content,
                    AutoCloseStream = false,
                    ContentType = extension == ".jpg" ? "image/jpeg" : "image/" + extension.TrimStart('.'),
                }, cancellationToken);
            }

            var attributes = new Dictionary<string, MessageAttributeValue>();
            MessageTracing.Inject(activity, attributes);
            _requestQueueUrl ??= (await sqs.GetQueueUrlAsync(names.RequestQueue, cancellationToken)).QueueUrl;
            await batcher.SendAsync(_requestQueueUrl, RecognitionMessages.Serialize(request), attributes, cancellationToken);
            scaler.RequestSent();
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or SocketException && e is not AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.BadRequest })
        {
            recent.Add(id, request.Mode, subject, started, "cloud-unavailable");
            throw new CloudUnavailableException($"The cloud (S3/SQS) could not take the request: {e.Message}", e);
        }

        var timeout = TimeSpan.FromSeconds(options.Value.ReplyTimeoutSeconds);
        try
        {
            var reply = await pending.Reply.WaitAsync(timeout, cancellationToken);
            recent.Add(id, request.Mode, subject, started, reply.Error?.Code ?? reply.Name ?? reply.Kind ?? "answered");
            return (id, reply);
        }
        catch (TimeoutException)
        {
            recent.Add(id, request.Mode, subject, started, "timed-out");
            throw new ReplyTimeoutException(id, timeout);
        }
    }

    private static string NewId() => Guid.CreateVersion7().ToString("N");
}

/// <summary>What a caller may ask of the faces in a reply: the match threshold, how many faces, their landmarks.</summary>
internal sealed record FaceOptions(float? Threshold, int? MaxFaces, bool? Landmarks);
