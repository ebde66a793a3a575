using System.Text.Json.Nodes;

namespace FaceRecognition.Tests.Support;

public static class Notifications
{
    /// <summary>The S3 event S3 sends for a new object (the key URL-encoded, as S3 does).</summary>
    public static string ObjectCreated(string bucket, string key, long size = 100) => new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = "us-east-1",
            ["eventTime"] = "2026-11-28T03:00:00.000Z",
            ["eventName"] = "ObjectCreated:Put",
            ["s3"] = new JsonObject
            {
                ["s3SchemaVersion"] = "1.0",
                ["configurationId"] = "test",
                ["bucket"] = new JsonObject { ["name"] = bucket, ["arn"] = $"arn:aws:s3:::{bucket}" },
                ["object"] = new JsonObject { ["key"] = Uri.EscapeDataString(key), ["size"] = size, ["eTag"] = "e", ["sequencer"] = "1" },
            },
        }),
    }.ToJsonString();

    public const string TestEvent = """{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T03:00:00.000Z","Bucket":"b","RequestId":"1","HostId":"2"}""";
}
