namespace FaceRecognition.Lambdas.Runtime.Tests;

public sealed class S3EventTests
{
    private const string Notification = """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-28T03:00:00.000Z",
        "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","configurationId":"video-split",
        "bucket":{"name":"facerec-input","arn":"arn:aws:s3:::facerec-input"},
        "object":{"key":"my+videos/test%2B00%C3%A9.mp4","size":322588,"eTag":"abc","sequencer":"0A1B"}}}]}
        """;

    [Fact]
    public void A_notification_gives_bucket_decoded_key_and_size()
    {
        var record = Assert.Single(S3Event.Parse(Notification)!.Records);

        Assert.Equal("facerec-input", record.BucketName);
        Assert.Equal("my videos/test+00é.mp4", record.Key);
        Assert.Equal(322588, record.Size);
        Assert.Equal("ObjectCreated:Put", record.EventName);
    }

    [Fact]
    public void The_test_event_S3_sends_when_a_configuration_is_set_is_recognised()
    {
        Assert.Null(S3Event.Parse("""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T03:00:00.000Z","Bucket":"facerec-input","RequestId":"1","HostId":"2"}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""{"Records":[{"s3":{"bucket":{"name":"b"},"object":{}}}]}""")]
    [InlineData("""{"Records":[{"s3":{"bucket":{},"object":{"key":"k"}}}]}""")]
    [InlineData("""{"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"k","size":"big"}}}]}""")]
    [InlineData("""{"Records":[null]}""")]
    public void Anything_else_is_refused_with_a_reason(string body)
    {
        var error = Assert.Throws<FormatException>(() => S3Event.Parse(body));
        Assert.StartsWith("Not an S3 event", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_survives_a_round_trip_through_its_json()
    {
        var parsed = S3Event.Parse(Notification)!;
        Assert.Equal(parsed.Records[0], S3Event.Parse(parsed.ToJson())!.Records[0]);
    }
}
