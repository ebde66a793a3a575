using FaceRecognition.Lambdas.FaceRecognition;
using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Vision;

// face-recognition: a frame lands in <prefix>-stage-1 -> the video's name in <prefix>-output/<stem>.txt.
return await FunctionHost.RunAsync<FrameRecognitionHandler>(args, "face-recognition", builder =>
{
    builder.Services.AddVision(builder.Configuration);
    // Several invocations run at once, each best on one ONNX thread (as the app tier; an explicit setting wins).
    builder.Services.PostConfigure<VisionOptions>(o => o.Onnx.IntraOpThreads = o.Onnx.IntraOpThreads == 0 ? 1 : o.Onnx.IntraOpThreads);
    builder.Services.AddOptions<FaceRecognitionOptions>()
        .Bind(builder.Configuration.GetSection(FaceRecognitionOptions.SectionName))
        .ValidateDataAnnotations()
        .ValidateOnStart();
    builder.Services.AddSingleton<GalleryReader>();
});
