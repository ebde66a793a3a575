using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>
/// Bodies above the small-body limit live in files of their own and (on Linux) go to the socket with sendfile, after
/// headers that Kestrel writes: what a client sees must be an ordinary HTTP/1.1 response on a connection it can keep using.
/// </summary>
public sealed class S3LargeBodyTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TestSigner _signer = new(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
    private readonly HttpClient _http = new();

    private Task<string> NewBucket() => emulator.NewBucket("large", _ct);

    private async Task<byte[]> Put(string bucket, string key, int size)
    {
        var body = RandomNumberGenerator.GetBytes(size);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) }, _ct);
        return body;
    }

    private HttpRequestMessage Signed(HttpMethod method, string bucket, string key, Dictionary<string, string>? headers = null) =>
        _signer.Sign(method, new Uri($"{emulator.ServiceUrl}/{bucket}/{key}"), "s3", TestSigner.Sha256Hex([]), headers: headers);

    /// <summary>Starts a GET and reads the first bytes of its body into <paramref name="start"/>; the rest is left on its way.</summary>
    private async Task<Stream> StartGet(string bucket, string key, Memory<byte> start)
    {
        var response = await _http.SendAsync(Signed(HttpMethod.Get, bucket, key), HttpCompletionOption.ResponseHeadersRead, _ct);
        var body = await response.Content.ReadAsStreamAsync(_ct);
        await body.ReadExactlyAsync(start, _ct);
        return body;
    }

    [Fact]
    public async Task LargeAndSmallResponsesFollowEachOtherOnOneKeptAliveConnection()
    {
        var bucket = await NewBucket();
        var large = await Put(bucket, "large", 3 * 1024 * 1024 + 17);
        var small = await Put(bucket, "small", 1000);
        var connections = 0;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });

        for (var round = 0; round < 3; round++)
        {
            using (var get = await http.SendAsync(Signed(HttpMethod.Get, bucket, "large"), _ct))
            {
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                Assert.Equal(large.Length, get.Content.Headers.ContentLength);
                Assert.Equal(large, await get.Content.ReadAsByteArrayAsync(_ct));
            }
            using (var get = await http.SendAsync(Signed(HttpMethod.Get, bucket, "small"), _ct))
            {
                Assert.Equal(small, await get.Content.ReadAsByteArrayAsync(_ct));
            }
            using (var range = await http.SendAsync(Signed(HttpMethod.Get, bucket, "large", new() { ["range"] = "bytes=100-2000099" }), _ct))
            {
                Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
                Assert.Equal($"bytes 100-2000099/{large.Length}", range.Content.Headers.ContentRange?.ToString());
                Assert.Equal(large[100..2000100], await range.Content.ReadAsByteArrayAsync(_ct));
            }
            using (var head = await http.SendAsync(Signed(HttpMethod.Head, bucket, "large"), _ct))
            {
                Assert.Equal(large.Length, head.Content.Headers.ContentLength);
                var etag = head.Headers.ETag!.Tag;
                using var unchanged = await http.SendAsync(Signed(HttpMethod.Get, bucket, "large", new() { ["if-none-match"] = etag }), _ct);
                Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
                Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync(_ct));
            }
        }
        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task ClientsThatLeaveMidBodyDoNotDisturbTheServer()
    {
        var bucket = await NewBucket();
        var large = await Put(bucket, "large", 16 * 1024 * 1024);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Dropped with far more unread than the client would drain: its connection is closed mid-body.
            await using var body = await StartGet(bucket, "large", new byte[64 * 1024]);
        }

        using var whole = await emulator.S3.GetObjectAsync(bucket, "large", _ct);
        Assert.Equal(large, await S3ObjectTests.ReadAll(whole.ResponseStream));
    }

    [Fact]
    public async Task AGetUnderWayKeepsTheBytesItStartedWithWhenTheObjectIsReplaced()
    {
        var bucket = await NewBucket();
        var first = await Put(bucket, "replaced", 8 * 1024 * 1024);
        var received = new byte[first.Length];
        await using var body = await StartGet(bucket, "replaced", received.AsMemory(0, 64 * 1024));

        // The rest of the first body is still in the server's hands (the client stopped reading) while it is replaced.
        var second = await Put(bucket, "replaced", 8 * 1024 * 1024);
        await body.ReadExactlyAsync(received.AsMemory(64 * 1024), _ct);
        Assert.Equal(first, received);
        using var again = await emulator.S3.GetObjectAsync(bucket, "replaced", _ct);
        Assert.Equal(second, await S3ObjectTests.ReadAll(again.ResponseStream));
    }

    [Fact]
    public async Task PipelinedGetsComeBackInOrderAndWhole()
    {
        var bucket = await NewBucket();
        var large = await Put(bucket, "large", 3 * 1024 * 1024);
        var small = await Put(bucket, "small", 128 * 1024); // within the small-body limit: copied through Kestrel
        var uri = new Uri(emulator.ServiceUrl);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(uri.Host, uri.Port, _ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new BufferedStream(stream, 4096);

        await stream.WriteAsync(TestSigner.RawHead(Signed(HttpMethod.Get, bucket, "large")), _ct);
        Assert.Equal(large, await ReadResponseBody(reader));

        // Then a train of requests sent before reading anything: the socket fills with copied bodies while the server
        // reaches the large ones, whose headers must still go out after everything before them and before their file.
        var keys = Enumerable.Range(0, 3).SelectMany(_ => Enumerable.Repeat("small", 8).Append("large")).ToList();
        foreach (var key in keys) await stream.WriteAsync(TestSigner.RawHead(Signed(HttpMethod.Get, bucket, key)), _ct);
        foreach (var key in keys) Assert.Equal(key == "large" ? large : small, await ReadResponseBody(reader));
    }

    private async Task<byte[]> ReadResponseBody(Stream reader)
    {
        var head = new List<string>();
        for (var line = await ReadLine(reader); line.Length > 0; line = await ReadLine(reader)) head.Add(line);
        Assert.StartsWith("HTTP/1.1 200", head[0]);
        var length = head.Select(h => h.Split(':', 2)).Single(h => h[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))[1].Trim();
        var body = new byte[int.Parse(length, CultureInfo.InvariantCulture)];
        await reader.ReadExactlyAsync(body, _ct);
        return body;
    }

    private async Task<string> ReadLine(Stream reader)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            await reader.ReadExactlyAsync(one, _ct);
            if (one[0] == (byte)'\n') return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            line.Add(one[0]);
        }
    }
}
