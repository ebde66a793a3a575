using FaceRecognition.AppHost.Cloud;
using FaceRecognition.AppHost.Services;

var builder = DistributedApplication.CreateBuilder(args);

// The cloud: the embedded emulator (default), LocalStack or AWS (Cloud:Backend), with the system's buckets, queues
// and notifications provisioned before any service starts (the functions are deployed meanwhile). Services join with
// .WithCloud(cloud, component), each with its own role's keys.
var cloud = builder.AddCloud();

// The image path: web tier (http://127.0.0.1:8000) -> request queue -> app tier -> reply (Recognition:Mode model | lookup).
builder.AddImagePath(cloud);

// The video path: <p>-input --S3 event--> video-splitting (ffmpeg) --> <p>-stage-1 --S3 event--> face-recognition
// --> <p>-output/<stem>.txt (VideoSplit:Mode single | sampled).
builder.AddVideoPath(cloud);

builder.Build().Run();
