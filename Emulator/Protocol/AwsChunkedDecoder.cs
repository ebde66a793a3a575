using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using FaceRecognition.Emulator.Auth;

namespace FaceRecognition.Emulator.Protocol;

/// <summary>Receives the decoded bytes of a request body as they arrive.</summary>
internal interface IBodySink
{
    void Write(ReadOnlySpan<byte> data);
}

/// <summary>
/// Decodes an <c>aws-chunked</c> body (<c>size[;chunk-signature=sig]\r\ndata\r\n … 0…\r\ntrailers\r\n</c>) while it
/// streams in, verifying each chunk signature against the chain seeded by the request signature and, at the end,
/// the trailer signature. Any violation throws before the caller commits anything.
/// </summary>
internal sealed class AwsChunkedDecoder
{
    private const int MaxLineLength = 4096;
    private const int MaxTrailerBytes = 16 * 1024;
    private const string ChunkSignaturePrefix = "chunk-signature=";

    private readonly AuthContext? _auth;
    private readonly bool _signed;
    private readonly bool _hasTrailer;
    private readonly long _expectedLength;
    private readonly IBodySink _sink;
    private readonly IncrementalHash? _chunkHash;
    private readonly Dictionary<string, string> _trailers = new(StringComparer.OrdinalIgnoreCase);
    private readonly StringBuilder _canonicalTrailers = new();

    private string _previousSignature = "";
    private string? _pendingChunkSignature;
    private long _chunkRemaining;
    private long _decodedLength;
    private int _trailerBytes;
    private State _state = State.ChunkHeader;

    private enum State { ChunkHeader, ChunkData, ChunkDataEnd, Trailers, FinalLine, Done }

    private AwsChunkedDecoder(AuthContext? auth, bool signed, bool hasTrailer, long expectedLength, IBodySink sink)
    {
        _auth = auth;
        _signed = signed;
        _hasTrailer = hasTrailer;
        _expectedLength = expectedLength;
        _sink = sink;
        if (signed)
        {
            _previousSignature = auth!.Signature;
            _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    /// <summary>Decodes the whole body into <paramref name="sink"/> and returns the trailing headers (for example
    /// <c>x-amz-checksum-crc32</c>).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> DecodeAsync(
        PipeReader reader, AuthContext? auth, bool signed, bool hasTrailer, long expectedLength, IBodySink sink, CancellationToken cancellationToken)
    {
        if (signed && auth is null) throw new ArgumentException("A signed aws-chunked body needs the request's signature.", nameof(auth));
        var decoder = new AwsChunkedDecoder(auth, signed, hasTrailer, expectedLength, sink);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var position = decoder.Process(buffer, result.IsCompleted);
                reader.AdvanceTo(position, buffer.End);
                if (decoder._state == State.Done) break;
                if (result.IsCompleted)
                {
                    throw new AwsException(400, "IncompleteBody", "The request body ended before the aws-chunked encoding was complete.");
                }
            }
            // Anything after the terminating line is not part of the object.
            var rest = await reader.ReadAsync(cancellationToken);
            if (!rest.Buffer.IsEmpty)
            {
                throw new AwsException(400, "InvalidRequest", "Unexpected bytes after the end of the aws-chunked body.");
            }
            reader.AdvanceTo(rest.Buffer.End);
            if (decoder._decodedLength != expectedLength)
            {
                throw new AwsException(400, "IncompleteBody",
                    $"The decoded body has {decoder._decodedLength} bytes but x-amz-decoded-content-length says {expectedLength}.");
            }
            return decoder._trailers;
        }
        finally
        {
            decoder._chunkHash?.Dispose();
        }
    }

    private SequencePosition Process(ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (_state != State.Done)
        {
            switch (_state)
            {
                case State.ChunkHeader:
                    if (!TryReadLine(ref reader, out var header)) return reader.Position;
                    OnChunkHeader(header);
                    break;
                case State.ChunkData:
                    if (reader.End) return reader.Position;
                    var span = reader.UnreadSpan;
                    var take = (int)Math.Min(span.Length, _chunkRemaining);
                    var data = span[..take];
                    _sink.Write(data);
                    _chunkHash?.AppendData(data);
                    _decodedLength += take;
                    _chunkRemaining -= take;
                    reader.Advance(take);
                    if (_chunkRemaining == 0) _state = State.ChunkDataEnd;
                    break;
                case State.ChunkDataEnd:
                    if (!TryReadLine(ref reader, out var empty)) return reader.Position;
                    if (empty.Length != 0) throw Malformed("chunk data is longer than its declared size");
                    if (_signed) VerifyChunkSignature();
                    _state = State.ChunkHeader;
                    break;
                case State.Trailers:
                    if (!TryReadLine(ref reader, out var trailer))
                    {
                        // Some clients end the body right after the last trailer line.
                        if (isCompleted && reader.End && _trailers.Count > 0) FinishTrailers();
                        return reader.Position;
                    }
                    if (trailer.Length == 0) FinishTrailers();
                    else OnTrailerLine(trailer);
                    break;
                case State.FinalLine:
                    if (!TryReadLine(ref reader, out var final))
                    {
                        if (isCompleted && reader.End) _state = State.Done;
                        return reader.Position;
                    }
                    if (final.Length != 0) throw Malformed("unexpected data after the final chunk");
                    _state = State.Done;
                    break;
            }
        }
        return reader.Position;
    }

    private void OnChunkHeader(string header)
    {
        var semicolon = header.IndexOf(';', StringComparison.Ordinal);
        var sizeText = semicolon < 0 ? header : header[..semicolon];
        if (sizeText.Length == 0 || sizeText.Length > 16 ||
            !long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw Malformed($"'{Truncate(header)}' is not a chunk header");
        }
        if (_signed)
        {
            var extension = semicolon < 0 ? "" : header[(semicolon + 1)..];
            if (!extension.StartsWith(ChunkSignaturePrefix, StringComparison.Ordinal) || extension.Length != ChunkSignaturePrefix.Length + 64)
            {
                throw Malformed("a signed chunk must carry chunk-signature=<64 hex digits>");
            }
            _pendingChunkSignature = extension[ChunkSignaturePrefix.Length..];
        }
        if (_decodedLength + size > _expectedLength)
        {
            throw new AwsException(400, "InvalidRequest",
                $"The chunks carry more than the {_expectedLength} bytes x-amz-decoded-content-length declares.");
        }
        _chunkRemaining = size;
        if (size > 0)
        {
            _state = State.ChunkData;
            return;
        }
        // The final, empty chunk: its signature covers no data.
        if (_signed) VerifyChunkSignature();
        _state = _hasTrailer ? State.Trailers : State.FinalLine;
    }

    private void VerifyChunkSignature()
    {
        // "AWS4-HMAC-SHA256-PAYLOAD\n<time>\n<scope>\n<previous signature>\n<hash of ''>\n<hash of the chunk>", built
        // as bytes: this runs for every chunk of every upload.
        Span<byte> dataHash = stackalloc byte[32];
        _chunkHash!.GetHashAndReset(dataHash);
        Span<byte> stringToSign = stackalloc byte[512];
        var length = 0;
        void Append(ReadOnlySpan<char> text, Span<byte> destination) => length += Encoding.ASCII.GetBytes(text, destination[length..]);
        Append("AWS4-HMAC-SHA256-PAYLOAD\n", stringToSign);
        Append(_auth!.Timestamp, stringToSign);
        stringToSign[length++] = (byte)'\n';
        Append(_auth.Scope, stringToSign);
        stringToSign[length++] = (byte)'\n';
        Append(_previousSignature, stringToSign);
        stringToSign[length++] = (byte)'\n';
        Append(SigV4.EmptyPayloadHash, stringToSign);
        stringToSign[length++] = (byte)'\n';
        length += Convert.TryToHexStringLower(dataHash, stringToSign[length..], out var written) ? written : throw new InvalidOperationException();

        Span<byte> signature = stackalloc byte[32];
        if (!SigV4.Verify(_auth.SigningKey, stringToSign[..length], _pendingChunkSignature!, signature))
        {
            throw new AwsException(403, "SignatureDoesNotMatch", "The signature of a chunk of the aws-chunked body does not match.");
        }
        _previousSignature = Convert.ToHexStringLower(signature);
    }

    private void OnTrailerLine(string line)
    {
        _trailerBytes += line.Length;
        if (_trailerBytes > MaxTrailerBytes) throw Malformed("the trailers are too large");
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) throw Malformed($"'{Truncate(line)}' is not a trailer");
        var name = line[..colon].Trim().ToLowerInvariant();
        var value = line[(colon + 1)..].Trim();
        if (name == "x-amz-trailer-signature")
        {
            if (!_signed) throw Malformed("an unsigned body cannot carry a trailer signature");
            var stringToSign = $"AWS4-HMAC-SHA256-TRAILER\n{_auth!.Timestamp}\n{_auth.Scope}\n{_previousSignature}\n{SigV4.HexSha256(_canonicalTrailers.ToString())}";
            if (!SigV4.Verify(_auth.SigningKey, stringToSign, value))
            {
                throw new AwsException(403, "SignatureDoesNotMatch", "The trailer signature of the aws-chunked body does not match.");
            }
            _trailers[name] = value;
            return;
        }
        _trailers[name] = value;
        _canonicalTrailers.Append(name).Append(':').Append(value).Append('\n');
    }

    private void FinishTrailers()
    {
        if (_signed && !_trailers.ContainsKey("x-amz-trailer-signature"))
        {
            throw new AwsException(403, "SignatureDoesNotMatch", "A signed aws-chunked body with trailers must end with x-amz-trailer-signature.");
        }
        _state = State.Done;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out string line)
    {
        line = "";
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n"u8, advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxLineLength) throw Malformed("a line of the aws-chunked encoding is too long");
            return false;
        }
        if (bytes.Length > MaxLineLength) throw Malformed("a line of the aws-chunked encoding is too long");
        line = Encoding.ASCII.GetString(bytes);
        return true;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static AwsException Malformed(string what) =>
        new(400, "InvalidChunkSizeError", $"The aws-chunked body is malformed: {what}.");
}
