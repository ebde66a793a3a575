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
builder.Services.AddVision(builder.Configuration);
builder.Services.AddOptions<AppTierOptions>().Bind(builder.Configuration.GetSection(AppTierOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<RecognitionOptions>().Bind(builder.Configuration.GetSection(RecognitionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<GalleryCache>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<GalleryCache>());
builder.Services.AddSingleton<Recognition>();
builder.Services.AddSingleton<FaceRecognition.Cloud.Messaging.SqsBatcher>();
builder.Services.AddSingleton<Enrollment>();
builder.Services.AddSingleton<RequestProcessor>();
builder.Services.AddHostedService<RequestWorker>();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(25));

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
