using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Lambdas.VideoSplit;

// video-splitting: a video lands in <prefix>-input -> its frames (ffmpeg) in <prefix>-stage-1.
return await FunctionHost.RunAsync<VideoSplitHandler>(args, "video-splitting", names => names.VideoSplitEventsQueue, builder =>
{
    builder.Services.AddOptions<VideoSplitOptions>()
        .Bind(builder.Configuration.GetSection(VideoSplitOptions.SectionName))
        .ValidateDataAnnotations()
        .Validate(o => o.Mode is VideoSplitOptions.SingleMode or VideoSplitOptions.SampledMode, "VideoSplit:Mode must be 'single' or 'sampled'.")
        .ValidateOnStart();
    builder.Services.AddSingleton<FrameExtractor>();
});
