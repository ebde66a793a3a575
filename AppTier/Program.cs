using FaceRecognition.AppTier;
using FaceRecognition.Cloud;
using FaceRecognition.ServiceDefaults;
using FaceRecognition.Vision;

// The app tier: takes recognition requests from the request queue, answers them, writes the result to the output
// bucket and replies to the web-tier instance that asked.
var builder = WebApplication.CreateBuilder(args);
builder.AddBasicServiceDefaults();
builder.AddAwsClients();
builder.Services.AddCloudNames(builder.Configuration);
// Healthy only while the request queue and the gallery's bucket answer (readiness reaches the cloud; liveness stays in
// process).
builder.Services.AddHealthChecks().AddCloudReachable(sp =>
{
    var names = sp.GetRequiredService<FaceRecognition.Cloud.Topology.TopologyNames>();
    return new([names.RequestQueue], [names.GalleryBucket]);
});
builder.Services.AddVision(builder.Configuration);
// The app tier runs one recognition per core at once; each then does best on one ONNX thread (measured on 2 cores:
// 31.6 ms per picture with 2 callers x 1 thread against 35.6 ms with 2 callers x 2 threads). An explicit
// Vision:Onnx:IntraOpThreads still wins.
builder.Services.PostConfigure<VisionOptions>(o => o.Onnx.IntraOpThreads = o.Onnx.IntraOpThreads == 0 ? 1 : o.Onnx.IntraOpThreads);
builder.Services.AddOptions<AppTierOptions>().Bind(builder.Configuration.GetSection(AppTierOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<RecognitionOptions>().Bind(builder.Configuration.GetSection(RecognitionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<GalleryCache>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<GalleryCache>());
builder.Services.AddSingleton<Recognition>();
builder.Services.AddQueueConsumer();
builder.Services.AddSingleton<Enrollment>();
builder.Services.AddSingleton<PictureAnalysis>();
builder.Services.AddSingleton<RequestProcessor>();
builder.Services.AddHostedService<RequestWorker>();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(25));

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
