using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.Runtime;

namespace FaceRecognition.Lambdas.VideoSplit;

/// <summary>
/// video-splitting: downloads a new video, extracts its frames with ffmpeg and writes them to the frames bucket, where
/// each frame triggers face-recognition. A video that cannot be used writes no frame: its cause goes to the video
/// output bucket (<see cref="VideoKeys.Failure"/>) and the event to the dead-letter queue.
/// </summary>
internal sealed class VideoSplitHandler(IAmazonS3 s3, TopologyNames names, FrameExtractor extractor, IOptions<VideoSplitOptions> options)
    : IS3EventHandler
{
    private readonly VideoSplitOptions _options = options.Value;

    public async Task HandleAsync(S3Event s3Event, FunctionContext context)
    {
        foreach (var record in s3Event.Records)
        {
            var stem = VideoKeys.StemOfVideo(record.Key);
            try
            {
                await SplitAsync(record, stem, context);
            }
            catch (InputRejectedException e)
            {
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = names.VideoOutputBucket,
                    Key = VideoKeys.Failure(stem),
                    ContentBody = $"video-splitting: {record.Key}: {e.Message}",
                    ContentType = "text/plain; charset=utf-8",
                }, context.CancellationToken);
                throw;
            }
        }
    }

    private async Task SplitAsync(S3EventRecord record, string stem, FunctionContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!record.Key.EndsWith(VideoKeys.VideoExtension, StringComparison.OrdinalIgnoreCase))
        {
            throw new InputRejectedException($"'{record.Key}' is not an {VideoKeys.VideoExtension} file.");
        }
        if (record.Size == 0)
        {
            throw new InputRejectedException("The file is empty (0 bytes).");
        }
        CheckSize(record.Size);

        var work = Directory.CreateDirectory(Path.Combine(_options.WorkDirectory ?? Path.GetTempPath(), $"video-splitting-{context.RequestId}-{Guid.NewGuid():N}"));
        try
        {
            var video = Path.Combine(work.FullName, "input" + VideoKeys.VideoExtension);
            MetadataCollection metadata;
            using (var response = await s3.GetObjectAsync(record.BucketName, record.Key, cancellationToken))
            {
                CheckSize(response.ContentLength);
                metadata = response.Metadata;
                await using var file = File.Create(video);
                await response.ResponseStream.CopyToAsync(file, cancellationToken);
            }
            using var activity = ObjectTracing.StartFrom(metadata, "video-splitting");
            activity?.SetTag("video.key", record.Key);

            await extractor.ProbeAsync(video, cancellationToken);
            var framesDirectory = Directory.CreateDirectory(Path.Combine(work.FullName, "frames")).FullName;
            var frames = await extractor.ExtractAsync(video, framesDirectory, cancellationToken);
            activity?.SetTag("video.frames", frames.Count);

            for (var i = 0; i < frames.Count; i++)
            {
                var put = new PutObjectRequest
                {
                    BucketName = names.FramesBucket,
                    Key = _options.Mode == VideoSplitOptions.SampledMode ? VideoKeys.SampledFrame(stem, i) : VideoKeys.SingleFrame(stem),
                    FilePath = frames[i],
                    ContentType = "image/jpeg",
                };
                put.Metadata[VideoKeys.FrameCountMetadata] = frames.Count.ToString(CultureInfo.InvariantCulture);
                ObjectTracing.Inject(activity, put.Metadata);
                await s3.PutObjectAsync(put, cancellationToken);
            }
            context.Logger.LogSplit(record.Key, frames.Count, names.FramesBucket);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private void CheckSize(long bytes)
    {
        if (bytes > _options.MaxInputBytes)
        {
            throw new InputRejectedException($"The video has {bytes} bytes; the limit is {_options.MaxInputBytes} (VideoSplit:MaxInputBytes).");
        }
    }
}

internal static partial class VideoSplitLog
{
    [LoggerMessage(LogLevel.Information, "{Video}: {Frames} frame(s) written to {Bucket}")]
    public static partial void LogSplit(this ILogger logger, string video, int frames, string bucket);
}
