using System.Text;
using System.Text.Json;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Pure logic with known answers: encodings, digests, orderings.</summary>
public sealed class ProtocolUnitTests
{
    [Fact]
    public void MessageAttributeMd5MatchesSqsCheckValue()
    {
        // The value AWS documents for {"k": String "v"}.
        var md5 = MessageMd5.OfAttributes(new Dictionary<string, MessageAttributeValue> { ["k"] = new("String", "v", null) });
        Assert.Equal("0a77b0642718c3d9dd47090567d11e0d", md5);
    }

    [Fact]
    public void BodyMd5IsOfTheUtf8Bytes() =>
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", MessageMd5.OfBody(""));

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("a/b~c_d-e.f", "a/b~c_d-e.f")]
    [InlineData("é", "%C3%A9")]
    [InlineData("😀", "%F0%9F%98%80")]
    [InlineData("+*=&", "%2B%2A%3D%26")]
    public void UriEncodingFollowsSigV4(string raw, string encoded) => Assert.Equal(encoded, SigV4.UriEncode(raw, keepSlash: true));

    [Fact]
    public void SlashesAreEncodedInQueryValues() => Assert.Equal("a%2Fb", SigV4.UriEncode("a/b", keepSlash: false));

    [Fact]
    public void SigningKeyMatchesAwsExample()
    {
        // AWS's documented example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam.
        var key = SigV4.DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void KeysSortByUtf8BytesNotUtf16Units()
    {
        var keys = new List<string> { "\U0001F600", "\uFF5E", "a", "B" };
        keys.Sort(Utf8Order.Instance);
        Assert.Equal(["B", "a", "\uFF5E", "\U0001F600"], keys);
    }

    [Theory]
    [InlineData("/bucket/a%20b", "/bucket/a b")]
    [InlineData("/bucket/..%2F..%2Fx", "/bucket/../../x")]
    [InlineData("/bucket/a+b", "/bucket/a+b")]
    public void RequestTargetsDecodeStrictly(string raw, string path)
    {
        Assert.True(RequestTarget.TryParse(raw, out var target, out _));
        Assert.Equal(path, target.Path);
    }

    [Theory]
    [InlineData("/bucket/%zz")]
    [InlineData("/bucket/%C3")]
    [InlineData("relative")]
    public void MalformedRequestTargetsAreRefused(string raw) => Assert.False(RequestTarget.TryParse(raw, out _, out _));

    [Fact]
    public void QueryProtocolParametersBecomeTheJsonRequest()
    {
        var json = SqsQueryProtocol.ToJson("SendMessageBatch",
        [
            new("Action", "SendMessageBatch"),
            new("QueueUrl", "http://x/000000000000/q"),
            new("SendMessageBatchRequestEntry.1.Id", "a"),
            new("SendMessageBatchRequestEntry.1.MessageBody", "one"),
            new("SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "k"),
            new("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "String"),
            new("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "v"),
            new("SendMessageBatchRequestEntry.2.Id", "b"),
            new("SendMessageBatchRequestEntry.2.MessageBody", "two"),
            new("SendMessageBatchRequestEntry.2.DelaySeconds", "5"),
        ]);
        var request = JsonSerializer.Deserialize(json, SqsJson.Default.SendMessageBatchRequest)!;
        Assert.Equal("http://x/000000000000/q", request.QueueUrl);
        Assert.Equal(["a", "b"], request.Entries!.Select(e => e.Id));
        Assert.Equal("v", request.Entries![0].MessageAttributes!["k"].StringValue);
        Assert.Equal(5, request.Entries[1].DelaySeconds);
    }

    [Fact]
    public void QueryProtocolAnswersAreXmlInTheSqsNamespace()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new AttributesResponse(new() { ["VisibilityTimeout"] = "30" }), SqsJson.Default.AttributesResponse);
        var xml = Encoding.UTF8.GetString(SqsQueryProtocol.ToXml("GetQueueAttributes", json, "req-1"));
        Assert.Contains("<GetQueueAttributesResult><Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute></GetQueueAttributesResult>", xml);
        Assert.Contains("xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"", xml);
        Assert.Contains("<RequestId>req-1</RequestId>", xml);
    }

    [Fact]
    public void ReceiptHandlesRoundTripAndGarbageIsRefused()
    {
        var handle = new ReceiptHandle("queue-1", 42, "0123456789abcdef");
        Assert.Equal(handle, ReceiptHandle.Parse(handle.ToString()));
        Assert.Throws<AwsException>(() => ReceiptHandle.Parse("not a handle"));
        Assert.Throws<AwsException>(() => ReceiptHandle.Parse(""));
    }
}
