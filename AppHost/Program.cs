using FaceRecognition.AppHost.Cloud;

var builder = DistributedApplication.CreateBuilder(args);

// The cloud: the embedded emulator (default), LocalStack or AWS (Cloud:Backend), with the system's buckets, queues
// and notifications provisioned before any service starts. Services join with .WithCloud(cloud).
var cloud = builder.AddCloud();

builder.Build().Run();
