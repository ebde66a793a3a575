using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Lambdas.VideoSplit;

// video-splitting: a video lands in <prefix>-input -> its frames (ffmpeg) in <prefix>-stage-1.
return await FunctionHost.RunAsync<VideoSplitHandler>(args, "video-splitting", builder =>
{
    builder.Services.AddOptions<VideoSplitOptions>()
        .Bind(builder.Configuration.GetSection(VideoSplitOptions.SectionName))
        .ValidateDataAnnotations()
        .Validate(o => o.Mode is VideoSplitOptions.SingleMode or VideoSplitOptions.SampledMode, "VideoSplit:Mode must be 'single' or 'sampled'.")
        .ValidateOnStart();
    // The deployment package carries static ffmpeg and ffprobe builds in bin/: they win over the system's.
    builder.Services.PostConfigure<VideoSplitOptions>(o => o.UseBundledTools(AppContext.BaseDirectory));
    builder.Services.AddSingleton<FrameExtractor>();
});
