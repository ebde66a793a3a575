using FaceRecognition.Cloud;
using FaceRecognition.ServiceDefaults;
using FaceRecognition.WebTier;
using FaceRecognition.WebTier.FrontDoor;
using FaceRecognition.WebTier.Scaling;
using Scalar.AspNetCore;

// The web tier: takes pictures over HTTP, hands them to the app tier through S3 and SQS, answers with the reply;
// takes videos into the video input bucket, where S3 events start the functions.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAwsClients();
builder.Services.AddCloudNames(builder.Configuration);
// Healthy only while the request queue and the buckets it reads answers from and takes videos into answer
// (readiness reaches the cloud; liveness stays in process).
builder.Services.AddHealthChecks().AddCloudReachable(sp =>
{
    var names = sp.GetRequiredService<FaceRecognition.Cloud.Topology.TopologyNames>();
    return new([names.RequestQueue], [names.OutputBucket, names.VideoInputBucket]);
});
builder.Services.AddOptions<WebTierOptions>().Bind(builder.Configuration.GetSection(WebTierOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
UploadReader.ConfigureLimits(builder);
builder.Services.AddSingleton<ReplyListener>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplyListener>());
builder.Services.AddQueueConsumer();
builder.Services.AddSingleton<RecognitionClient>();
builder.Services.AddSingleton<RecentRequests>();
builder.Services.AddSingleton<UploadReader>();
builder.Services.AddSingleton<VideoUploader>();
// The app tier's autoscaler (Scaling:Enabled; the AppHost turns it on when it runs the app tier as scalable instances).
// Scaling:OverridesFile, where set, is read over the settings and again on change (the maximum can change while running).
if (builder.Configuration[SettingNames.Scaling.OverridesFile] is { Length: > 0 } scalingOverrides)
{
    builder.Configuration.AddScalingOverrides(scalingOverrides);
}
builder.Services.AddOptions<FaceRecognition.WebTier.Scaling.ScalingOptions>().Bind(builder.Configuration.GetSection(FaceRecognition.WebTier.Scaling.ScalingOptions.SectionName))
    .ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<Amazon.EC2.IAmazonEC2>(sp => FaceRecognition.WebTier.Scaling.Ec2Clients.Create(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AwsOptions>>().Value));
builder.Services.AddSingleton<FaceRecognition.WebTier.Scaling.AutoScaler>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<FaceRecognition.WebTier.Scaling.AutoScaler>());
builder.AddFrontDoor();
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi(ApiKeyInOpenApi.Describe);

var app = builder.Build();
app.UseExceptionHandler();
app.UseFrontDoor();
app.MapOpenApi("/api/openapi.json");
// The API reference page, served with its script from this process (no CDN): /api/reference.
app.MapScalarApiReference("/api/reference", reference => reference.WithOpenApiRoutePattern("/api/openapi.json").WithTitle("FaceRecognition API"));
app.MapDefaultEndpoints();
app.MapConsole();
app.MapRecognitionEndpoints();
app.MapIdentityEndpoints();
app.MapVideoEndpoints();
app.Run();
