using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.Lambdas.FaceRecognition;

/// <summary>
/// face-recognition: recognises a frame with the gallery. A single-frame video's answer is written at once; a sampled
/// video's frames each leave a vote beside the frames, and the frame that completes the set decides by
/// <see cref="VideoVote"/> and writes <c>&lt;stem&gt;.txt</c> (holding just the name) to the video output bucket.
/// </summary>
internal sealed class FrameRecognitionHandler(IAmazonS3 s3, TopologyNames names, FaceRecognizer recognizer, GalleryReader gallery)
    : IS3EventHandler
{
    /// <summary>Object metadata on a result: how the answer came about.</summary>
    public const string NoteMetadata = "note";

    public async Task HandleAsync(S3Event s3Event, FunctionContext context)
    {
        foreach (var record in s3Event.Records)
        {
            if (!VideoKeys.TryParseFrame(record.Key, out var stem, out var index))
            {
                context.Logger.LogNotAFrame(record.Key);
                continue;
            }
            await RecognizeAsync(record, stem, index, context);
        }
    }

    private async Task RecognizeAsync(S3EventRecord record, string stem, int? index, FunctionContext context)
    {
        var cancellationToken = context.CancellationToken;
        byte[] frame;
        MetadataCollection metadata;
        using (var response = await s3.GetObjectAsync(record.BucketName, record.Key, cancellationToken))
        {
            metadata = response.Metadata;
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            frame = buffer.ToArray();
        }
        using var activity = ObjectTracing.StartFrom(metadata, "face-recognition");
        activity?.SetTag("frame.key", record.Key);

        var known = await gallery.GetAsync(cancellationToken);
        RecognitionResult result;
        try
        {
            result = recognizer.Recognize(frame, known);
        }
        catch (ImageRejectedException e)
        {
            var cause = $"face-recognition: frame {record.Key}: {e.Message}";
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = names.VideoOutputBucket,
                Key = VideoKeys.Failure(stem),
                ContentBody = cause,
                ContentType = "text/plain; charset=utf-8",
            }, cancellationToken);
            throw new InputRejectedException(cause, e);
        }
        var vote = FrameVote.From(index ?? 0, result);
        activity?.SetTag("frame.answer", vote.Name);

        if (index is not { } frameIndex)
        {
            await WriteResultAsync(stem, VideoVote.Decide([vote]), activity, cancellationToken);
            return;
        }

        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = record.BucketName,
            Key = VideoKeys.Vote(stem, frameIndex),
            ContentBody = JsonSerializer.Serialize(vote, VoteJson.Default.FrameVote),
            ContentType = "application/json",
        }, cancellationToken);
        var frameCount = metadata[VideoKeys.FrameCountMetadata] is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out var count) ? count : 0;
        var votes = await ReadVotesAsync(record.BucketName, stem, frameCount, cancellationToken);
        if (votes.Count >= frameCount)
        {
            await WriteResultAsync(stem, VideoVote.Decide(votes), activity, cancellationToken);
        }
    }

    /// <summary>The votes so far (a frame without frame-count metadata decides with whatever has voted).</summary>
    private async Task<IReadOnlyList<FrameVote>> ReadVotesAsync(string bucket, string stem, int frameCount, CancellationToken cancellationToken)
    {
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = VideoKeys.VotesPrefix(stem) }, cancellationToken);
        var votes = new List<FrameVote>();
        foreach (var entry in listing.S3Objects ?? [])
        {
            using var response = await s3.GetObjectAsync(bucket, entry.Key, cancellationToken);
            if (await JsonSerializer.DeserializeAsync(response.ResponseStream, VoteJson.Default.FrameVote, cancellationToken) is { } vote
                && (frameCount == 0 || vote.Frame < frameCount))
            {
                votes.Add(vote);
            }
        }
        return votes;
    }

    private async Task WriteResultAsync(string stem, VideoDecision decision, System.Diagnostics.Activity? activity, CancellationToken cancellationToken)
    {
        var put = new PutObjectRequest
        {
            BucketName = names.VideoOutputBucket,
            Key = VideoKeys.Result(stem),
            ContentBody = decision.Name,
            ContentType = "text/plain; charset=utf-8",
        };
        put.Metadata[NoteMetadata] = decision.Note;
        ObjectTracing.Inject(activity, put.Metadata);
        await s3.PutObjectAsync(put, cancellationToken);
        activity?.SetTag("video.answer", decision.Name);
    }
}

internal static partial class FrameRecognitionLog
{
    [LoggerMessage(LogLevel.Warning, "{Key} is not a frame key (<stem>.jpg or <stem>/output-NN.jpg); ignored")]
    public static partial void LogNotAFrame(this ILogger logger, string key);
}
