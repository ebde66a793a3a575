using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>An uploaded body, written to a temporary blob and verified; the caller publishes or discards it.</summary>
internal sealed record ReceivedBody(BlobWriter Blob, long Size, byte[] Md5, ChecksumAlgorithm? Algorithm, string? Checksum)
{
    public string ETag => Convert.ToHexStringLower(Md5);
}

/// <summary>
/// Streams a PUT or UploadPart body to a blob, decoding aws-chunked (signed or not), and verifies what the client
/// declared: length, payload SHA-256, chunk signatures, Content-MD5 and the <c>x-amz-checksum-*</c> value, from a header
/// or a trailer. Anything wrong throws, and the blob is discarded.
/// </summary>
internal static class ObjectBodyReader
{
    private const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    private const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    private const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    /// <summary>Bodies from this size on are hashed and written on the thread pool, not on the socket thread that
    /// receives them (the emulator schedules request work inline on socket threads; see docs/architecture.md).</summary>
    private const long OffloadThreshold = 1024 * 1024;

    public static async Task<ReceivedBody> ReceiveAsync(S3Request request, BlobStore blobs, long maxSize, ChecksumAlgorithm? defaultAlgorithm)
    {
        var contentSha256 = request.Auth.Presigned ? SigV4.UnsignedPayload : request.Header("x-amz-content-sha256")!;
        var streaming = contentSha256 is StreamingSigned or StreamingSignedTrailer or StreamingUnsignedTrailer;
        if (contentSha256.StartsWith("STREAMING-", StringComparison.Ordinal) && !streaming)
        {
            throw S3Errors.NotImplemented($"The payload signing mode '{contentSha256}'");
        }

        long size;
        if (streaming)
        {
            var decoded = request.Header("x-amz-decoded-content-length");
            if (decoded is null || !long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out size)) throw S3Errors.MissingContentLength();
        }
        else
        {
            size = request.Request.ContentLength ?? throw S3Errors.MissingContentLength();
        }
        if (size > maxSize) throw S3Errors.EntityTooLarge(size, maxSize);

        var (algorithm, expectedChecksum, fromTrailer) = ExpectedChecksum(request, defaultAlgorithm);
        var expectedMd5 = ExpectedMd5(request);

        var blob = blobs.CreateWriter(size);
        Pipe? offload = null;
        Task? pump = null;
        using var pumpCancellation = CancellationTokenSource.CreateLinkedTokenSource(request.Aborted);
        try
        {
            var body = request.Request.BodyReader;
            if (size >= OffloadThreshold)
            {
                offload = new Pipe(s_offloadOptions);
                pump = PumpAsync(body, offload.Writer, pumpCancellation.Token);
                body = offload.Reader;
                await Task.Yield();
            }
            using var sink = new UploadSink(blob, algorithm, verifySha256: !streaming && contentSha256 != SigV4.UnsignedPayload, size);
            if (streaming)
            {
                var trailers = await AwsChunkedDecoder.DecodeAsync(body, request.Auth,
                    signed: contentSha256 != StreamingUnsignedTrailer, hasTrailer: contentSha256 != StreamingSigned,
                    size, sink, request.Aborted);
                if (fromTrailer)
                {
                    expectedChecksum = trailers.GetValueOrDefault(Checksums.HeaderName(algorithm!.Value))
                        ?? throw S3Errors.InvalidRequest($"The body declared the trailer {Checksums.HeaderName(algorithm.Value)} but did not send it.");
                }
            }
            else
            {
                await ReadRawAsync(body, sink, request.Aborted);
                if (sink.Length != size) throw S3Errors.IncompleteBody();
                if (sink.Sha256Hex is { } actual && !string.Equals(actual, contentSha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw S3Errors.ContentSha256Mismatch();
                }
            }

            var md5 = sink.Md5;
            if (expectedMd5 is not null && !CryptographicOperations.FixedTimeEquals(md5, expectedMd5)) throw S3Errors.BadDigest("Content-MD5");
            var checksum = sink.Checksum;
            if (expectedChecksum is not null && checksum != expectedChecksum) throw S3Errors.BadDigest(Checksums.WireName(algorithm!.Value));
            if (pump is not null) await pump;
            return new ReceivedBody(blob, sink.Length, md5, algorithm, checksum);
        }
        catch (Exception failure)
        {
            if (offload is not null)
            {
                // Stop the pump before Kestrel drains the rest of the body: two readers must never read at once. A pump
                // failure (a broken connection) has already reached the decoder as the failure being handled here.
                await offload.Reader.CompleteAsync(failure);
                await pumpCancellation.CancelAsync();
                await pump!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            blob.Dispose();
            throw;
        }
    }

    // 64 KiB segments: the hashes then see spans 16 times larger than Kestrel's 4 KiB blocks, 16 times fewer calls.
    private static readonly PipeOptions s_offloadOptions = new(
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 4 * 1024 * 1024,
        resumeWriterThreshold: 2 * 1024 * 1024,
        minimumSegmentSize: 64 * 1024,
        useSynchronizationContext: false);

    /// <summary>Copies the request body into <paramref name="target"/> as it arrives; the reader side consumes it on the
    /// thread pool. Ends when the body ends or the consumer stops reading.</summary>
    private static async Task PumpAsync(PipeReader source, PipeWriter target, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await source.ReadAsync(cancellationToken);
                foreach (var segment in result.Buffer) target.Write(segment.Span);
                source.AdvanceTo(result.Buffer.End);
                var flushed = await target.FlushAsync(cancellationToken);
                if (result.IsCompleted || flushed.IsCompleted) break;
            }
            await target.CompleteAsync();
        }
        catch (Exception failure)
        {
            await target.CompleteAsync(failure);
            throw;
        }
    }

    /// <summary>Reads a small XML document (delete lists, part lists, notification configurations), verifying its hash.</summary>
    public static async Task<byte[]> ReadDocumentAsync(S3Request request, int maxSize)
    {
        var contentSha256 = request.Auth.Presigned ? SigV4.UnsignedPayload : request.Header("x-amz-content-sha256")!;
        byte[] document;
        if (contentSha256.StartsWith("STREAMING-", StringComparison.Ordinal))
        {
            document = await ReceiveIntoMemoryAsync(request, maxSize);
        }
        else
        {
            document = await RequestBody.ReadAllAsync(request.Request, maxSize,
                () => S3Errors.InvalidRequest($"The request body is larger than {maxSize} bytes."), request.Aborted);
            if (contentSha256 != SigV4.UnsignedPayload && !string.Equals(SigV4.HexSha256(document), contentSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw S3Errors.ContentSha256Mismatch();
            }
        }
        if (ExpectedMd5(request) is { } md5 && !CryptographicOperations.FixedTimeEquals(MD5.HashData(document), md5)) throw S3Errors.BadDigest("Content-MD5");
        foreach (var algorithm in Checksums.All)
        {
            if (request.Header(Checksums.HeaderName(algorithm)) is { } expected && Checksums.Compute(algorithm, document) != expected)
            {
                throw S3Errors.BadDigest(Checksums.WireName(algorithm));
            }
        }
        return document;
    }

    private static async Task<byte[]> ReceiveIntoMemoryAsync(S3Request request, int maxSize)
    {
        var contentSha256 = request.Header("x-amz-content-sha256")!;
        var decoded = request.Header("x-amz-decoded-content-length");
        if (decoded is null || !int.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var size)) throw S3Errors.MissingContentLength();
        if (size > maxSize) throw S3Errors.InvalidRequest($"The request body is larger than {maxSize} bytes.");
        var sink = new MemorySink();
        await AwsChunkedDecoder.DecodeAsync(request.Request.BodyReader, request.Auth,
            signed: contentSha256 != StreamingUnsignedTrailer, hasTrailer: contentSha256 != StreamingSigned, size, sink, request.Aborted);
        return sink.Buffer.ToArray();
    }

    private static async Task ReadRawAsync(PipeReader reader, UploadSink sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer) sink.Write(segment.Span);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return;
        }
    }

    private static (ChecksumAlgorithm? Algorithm, string? Expected, bool FromTrailer) ExpectedChecksum(S3Request request, ChecksumAlgorithm? defaultAlgorithm)
    {
        var found = new List<(ChecksumAlgorithm, string?, bool)>();
        if (request.Header("x-amz-trailer") is { } trailer)
        {
            if (!Checksums.TryParseHeaderName(trailer.Trim(), out var algorithm))
            {
                throw S3Errors.InvalidRequest($"The trailer '{trailer}' is not a checksum this emulator knows.");
            }
            found.Add((algorithm, null, true));
        }
        foreach (var candidate in Checksums.All)
        {
            if (request.Header(Checksums.HeaderName(candidate)) is { } value) found.Add((candidate, value, false));
        }
        if (found.Count > 1) throw S3Errors.InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        if (found.Count == 1) return found[0];

        var named = request.Header("x-amz-sdk-checksum-algorithm") ?? request.Header("x-amz-checksum-algorithm");
        if (named is not null)
        {
            if (!Checksums.TryParseWireName(named, out var algorithm)) throw S3Errors.InvalidRequest($"Checksum algorithm '{named}' is not supported.");
            return (algorithm, null, false);
        }
        return (defaultAlgorithm, null, false);
    }

    private static byte[]? ExpectedMd5(S3Request request)
    {
        var header = request.Header("Content-MD5");
        if (header is null) return null;
        try
        {
            var md5 = Convert.FromBase64String(header);
            return md5.Length == 16 ? md5 : throw S3Errors.InvalidDigest();
        }
        catch (FormatException)
        {
            throw S3Errors.InvalidDigest();
        }
    }

    private sealed class MemorySink : IBodySink
    {
        public MemoryStream Buffer { get; } = new();

        public void Write(ReadOnlySpan<byte> data) => Buffer.Write(data);
    }

    /// <summary>Writes to the blob and feeds every hash in one pass over the bytes.</summary>
    private sealed class UploadSink(BlobWriter blob, ChecksumAlgorithm? algorithm, bool verifySha256, long declaredSize) : IBodySink, IDisposable
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private readonly IncrementalHash? _sha256 = verifySha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        private readonly IncrementalChecksum? _checksum = algorithm is { } a ? Checksums.Create(a) : null;

        public long Length { get; private set; }

        public byte[] Md5 => _md5.GetCurrentHash();

        public string? Sha256Hex => _sha256 is null ? null : Convert.ToHexStringLower(_sha256.GetCurrentHash());

        public string? Checksum => _checksum?.GetBase64();

        public void Write(ReadOnlySpan<byte> data)
        {
            if (Length + data.Length > declaredSize) throw S3Errors.InvalidRequest("The body is longer than its declared length.");
            blob.Write(data);
            _md5.AppendData(data);
            _sha256?.AppendData(data);
            _checksum?.Append(data);
            Length += data.Length;
        }

        public void Dispose()
        {
            _md5.Dispose();
            _sha256?.Dispose();
            _checksum?.Dispose();
        }
    }
}
