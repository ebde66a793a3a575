using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>Object operations: put, get, head, delete, delete many, copy.</summary>
internal sealed class ObjectHandler(EmulatorStore store, S3Store s3, EmulatorOptions options, TimeProvider clock, EventPublisher events)
    : S3HandlerBase(store, s3, options, clock, events)
{
    private const int CopyBufferSize = 256 * 1024;
    private const int ReadChunkSize = 64 * 1024;
    private const int FlushThreshold = 256 * 1024;
    private const int MaxDeleteKeys = 1000;

    public async Task PutObject(S3Request request)
    {
        S3Names.ValidateKey(request.Key);
        var (contentType, metadata, headers) = ObjectHeaders.FromRequest(request.Request);
        RequireBucket(request.Bucket);
        var body = await ObjectBodyReader.ReceiveAsync(request, Store.Blobs, Options.MaxObjectSize, defaultAlgorithm: null);
        using (body.Blob)
        {
            var blobId = body.Blob.Publish();
            var record = new ObjectRecord(request.Bucket, request.Key, blobId, body.Size, body.ETag, Now, contentType, metadata, headers,
                body.Algorithm is { } a ? Checksums.WireName(a) : null, body.Checksum, body.Algorithm is null ? null : "FULL_OBJECT", 0);
            await CommitObject(request, record, EventPublisher.ObjectCreatedPut);
            WriteChecksumHeaders(request.Response, record);
            request.Response.Headers.ETag = Quoted(record.ETag);
        }
    }

    public async Task CopyObject(S3Request request)
    {
        S3Names.ValidateKey(request.Key);
        var (sourceBucket, sourceKey) = ParseCopySource(request.Header("x-amz-copy-source")!);
        var directive = request.Header("x-amz-metadata-directive") ?? "COPY";
        if (directive is not ("COPY" or "REPLACE")) throw S3Errors.InvalidArgument("x-amz-metadata-directive must be COPY or REPLACE.");

        var source = Store.Read(() =>
        {
            S3.GetBucket(request.Bucket);
            return S3.GetBucket(sourceBucket).Objects.GetValueOrDefault(sourceKey) ?? throw S3Errors.NoSuchKey(sourceKey);
        });
        CheckCopyConditions(request, source);
        if (sourceBucket == request.Bucket && sourceKey == request.Key && directive == "COPY")
        {
            throw S3Errors.InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        using var blob = Store.Blobs.CreateWriter(source.Size);
        var etag = await CopyBlob(source.BlobId, blob, request.Aborted);
        var blobId = blob.Publish();
        var (contentType, metadata, headers) = directive == "REPLACE"
            ? ObjectHeaders.FromRequest(request.Request)
            : (source.ContentType, new Dictionary<string, string>(source.Metadata), new Dictionary<string, string>(source.Headers));
        // The copy is one piece: a new plain MD5 ETag, and a composite (per-part) checksum no longer applies.
        var keepsChecksum = source.ChecksumType != "COMPOSITE";
        var record = source with
        {
            Bucket = request.Bucket,
            Key = request.Key,
            BlobId = blobId,
            LastModified = Now,
            ETag = etag,
            PartCount = 0,
            ContentType = contentType,
            Metadata = metadata,
            Headers = headers,
            ChecksumAlgorithm = keepsChecksum ? source.ChecksumAlgorithm : null,
            ChecksumValue = keepsChecksum ? source.ChecksumValue : null,
            ChecksumType = keepsChecksum ? source.ChecksumType : null,
        };
        await CommitObject(request, record, EventPublisher.ObjectCreatedCopy);
        if (record.ChecksumAlgorithm is not null) WriteChecksumHeaders(request.Response, record);
        await WriteXml(request, S3Xml.Document("CopyObjectResult", writer =>
        {
            writer.Element("LastModified", S3Xml.Time(record.LastModified));
            writer.Element("ETag", Quoted(record.ETag));
            if (record.ChecksumAlgorithm is not null && record.ChecksumType == "FULL_OBJECT")
            {
                writer.Element("Checksum" + record.ChecksumAlgorithm, record.ChecksumValue);
            }
        }));
    }

    public Task HeadObject(S3Request request) => Get(request, withBody: false);

    public Task GetObject(S3Request request) => Get(request, withBody: true);

    private async Task Get(S3Request request, bool withBody)
    {
        if (request.Target.Has("partNumber")) throw S3Errors.NotImplemented("GET by partNumber");
        // An overwrite or delete may unlink the body between the lookup and the open; then look again.
        for (var attempt = 0; ; attempt++)
        {
            var record = Store.Read(() => S3.GetBucket(request.Bucket).Objects.GetValueOrDefault(request.Key)) ?? throw S3Errors.NoSuchKey(request.Key);
            Stream body;
            try
            {
                body = Store.Blobs.OpenRead(record.BlobId);
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
                continue;
            }
            await using (body)
            {
                await Send(request, record, body, withBody);
                return;
            }
        }
    }

    private static async Task Send(S3Request request, ObjectRecord record, Stream body, bool withBody)
    {
        var response = request.Response;
        if (CheckConditions(request, record) is { } status)
        {
            response.StatusCode = status;
            response.Headers.ETag = Quoted(record.ETag);
            response.Headers.LastModified = S3Xml.HttpTime(record.LastModified);
            if (status == StatusCodes.Status412PreconditionFailed) throw S3Errors.PreconditionFailed("If-Match or If-Unmodified-Since");
            return;
        }
        ObjectHeaders.Write(response, record, request.Target);
        var (offset, length) = (0L, record.Size);
        if (ParseRange(request.Header("Range"), record.Size) is { } range)
        {
            (offset, length) = range;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {offset}-{offset + length - 1}/{record.Size}";
        }
        else if (request.Header("x-amz-checksum-mode") == "ENABLED")
        {
            WriteChecksumHeaders(response, record);
        }
        response.ContentLength = length;
        if (!withBody) return;
        if (body is MemoryStream inlineBody && inlineBody.TryGetBuffer(out var inline))
        {
            await response.Body.WriteAsync(inline.AsMemory((int)offset, (int)length), request.Aborted);
            return;
        }

        var file = (FileStream)body;
        if (length > 0 && SendFileWriter.For(request.Http) is { } sendFile)
        {
            await sendFile.SendAsync(response, file, offset, length, request.Aborted);
            return;
        }

        // Read the file straight into the response pipe's buffers: one copy fewer than through an intermediate buffer.
        var handle = file.SafeFileHandle;
        var writer = response.BodyWriter;
        var unflushed = 0;
        while (length > 0)
        {
            var chunk = writer.GetMemory(ReadChunkSize);
            var read = RandomAccess.Read(handle, chunk.Span[..(int)Math.Min(chunk.Length, length)], offset);
            if (read == 0) throw new IOException("The object's body is shorter than its record says.");
            writer.Advance(read);
            offset += read;
            length -= read;
            unflushed += read;
            if (unflushed >= FlushThreshold || length == 0)
            {
                unflushed = 0;
                var flushed = await writer.FlushAsync(request.Aborted);
                if (flushed.IsCanceled || flushed.IsCompleted) return;
            }
        }
    }

    public async Task DeleteObject(S3Request request)
    {
        await Store.WriteAsync(changes =>
        {
            var bucket = S3.GetBucket(request.Bucket);
            if (S3.RemoveObject(changes, bucket, request.Key)) Events.Publish(changes, bucket, EventPublisher.ObjectRemovedDelete, request.Key, null, request, Now);
        });
        request.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task DeleteObjects(S3Request request)
    {
        if (request.Header("Content-MD5") is null && !Checksums.All.Any(a => request.Header(Checksums.HeaderName(a)) is not null) &&
            request.Header("x-amz-trailer") is null)
        {
            throw S3Errors.InvalidRequest("Missing required header for this request: Content-MD5 (or an x-amz-checksum- header).");
        }
        var document = S3Xml.Parse(await ObjectBodyReader.ReadDocumentAsync(request, Options.MaxDocumentSize));
        if (document.Name != "Delete") throw S3Errors.MalformedXml("the root element must be Delete.");
        var keys = document.All("Object").Select(o => o.ChildText("Key")).ToList();
        if (keys.Count == 0 || keys.Count > MaxDeleteKeys) throw S3Errors.MalformedXml($"a Delete request names 1 to {MaxDeleteKeys} objects.");
        var quiet = string.Equals(document.ChildText("Quiet"), "true", StringComparison.OrdinalIgnoreCase);

        var deleted = new List<string>();
        var errors = new List<(string Key, string Code, string Message)>();
        await Store.WriteAsync(changes =>
        {
            var bucket = S3.GetBucket(request.Bucket);
            var now = Now;
            foreach (var key in keys)
            {
                if (string.IsNullOrEmpty(key))
                {
                    errors.Add(("", "InvalidArgument", "An object key must not be empty."));
                    continue;
                }
                if (!request.Allows("s3:DeleteObject", S3Access.ObjectArn(request.Bucket, key)))
                {
                    errors.Add((key, "AccessDenied", "Access Denied"));
                    continue;
                }
                if (S3.RemoveObject(changes, bucket, key)) Events.Publish(changes, bucket, EventPublisher.ObjectRemovedDelete, key, null, request, now);
                deleted.Add(key);
            }
        });
        await WriteXml(request, S3Xml.Document("DeleteResult", writer =>
        {
            if (!quiet)
            {
                foreach (var key in deleted)
                {
                    writer.Start("Deleted");
                    writer.Element("Key", key);
                    writer.WriteEndElement();
                }
            }
            foreach (var (key, code, message) in errors)
            {
                writer.Start("Error");
                writer.Element("Key", key);
                writer.Element("Code", code);
                writer.Element("Message", message);
                writer.WriteEndElement();
            }
        }));
    }

    /// <summary>Replaces the object and queues its events in one commit (its new body is already written); then frees the old body.</summary>
    private async Task CommitObject(S3Request request, ObjectRecord record, string eventName)
    {
        var stored = false;
        try
        {
            await Store.WriteAsync(changes =>
            {
                var bucket = S3.GetBucket(record.Bucket);
                CheckWriteConditions(request, bucket.Objects.GetValueOrDefault(record.Key));
                S3.PutObject(changes, bucket, record);
                stored = true;
                Events.Publish(changes, bucket, eventName, record.Key, record, request, record.LastModified);
            });
        }
        finally
        {
            if (!stored) Store.Blobs.Discard(record.BlobId);
        }
    }

    /// <summary>Conditional writes: <c>If-None-Match: *</c> (only if absent) and <c>If-Match: etag</c> (only if unchanged).</summary>
    private static void CheckWriteConditions(S3Request request, ObjectRecord? current)
    {
        if (request.Header("If-None-Match") is { } noneMatch && noneMatch.Trim() == "*" && current is not null)
        {
            throw S3Errors.PreconditionFailed("If-None-Match: the object already exists");
        }
        if (request.Header("If-Match") is { } match && (current is null || Unquoted(match) != current.ETag))
        {
            if (current is null) throw S3Errors.NoSuchKey(request.Key);
            throw S3Errors.PreconditionFailed("If-Match");
        }
    }

    /// <summary>Read conditions per RFC 7232 as S3 applies them; returns 304 or 412, or null to serve.</summary>
    private static int? CheckConditions(S3Request request, ObjectRecord record)
    {
        var lastModified = DateTimeOffset.FromUnixTimeMilliseconds(record.LastModified / 1000 * 1000);
        var ifMatch = request.Header("If-Match");
        var ifNoneMatch = request.Header("If-None-Match");
        if (ifMatch is not null)
        {
            if (!EtagListMatches(ifMatch, record.ETag)) return StatusCodes.Status412PreconditionFailed;
        }
        else if (ParseDate(request.Header("If-Unmodified-Since")) is { } unmodifiedSince && lastModified > unmodifiedSince)
        {
            return StatusCodes.Status412PreconditionFailed;
        }
        if (ifNoneMatch is not null)
        {
            if (EtagListMatches(ifNoneMatch, record.ETag)) return StatusCodes.Status304NotModified;
        }
        else if (ParseDate(request.Header("If-Modified-Since")) is { } modifiedSince && lastModified <= modifiedSince)
        {
            return StatusCodes.Status304NotModified;
        }
        return null;
    }

    private static void CheckCopyConditions(S3Request request, ObjectRecord source)
    {
        var lastModified = DateTimeOffset.FromUnixTimeMilliseconds(source.LastModified / 1000 * 1000);
        if (request.Header("x-amz-copy-source-if-match") is { } match && !EtagListMatches(match, source.ETag)) throw S3Errors.PreconditionFailed("x-amz-copy-source-if-match");
        if (request.Header("x-amz-copy-source-if-none-match") is { } noneMatch && EtagListMatches(noneMatch, source.ETag)) throw S3Errors.PreconditionFailed("x-amz-copy-source-if-none-match");
        if (ParseDate(request.Header("x-amz-copy-source-if-unmodified-since")) is { } unmodified && lastModified > unmodified) throw S3Errors.PreconditionFailed("x-amz-copy-source-if-unmodified-since");
        if (ParseDate(request.Header("x-amz-copy-source-if-modified-since")) is { } modified && lastModified <= modified) throw S3Errors.PreconditionFailed("x-amz-copy-source-if-modified-since");
    }

    private static bool EtagListMatches(string header, string etag) =>
        header.Split(',').Select(e => e.Trim()).Any(e => e == "*" || Unquoted(e) == etag);

    private static DateTimeOffset? ParseDate(string? header) =>
        header is not null && DateTimeOffset.TryParse(header, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    /// <summary>A single <c>bytes=</c> range, clamped as HTTP says; null serves the whole object. Unsatisfiable: 416.</summary>
    private static (long Offset, long Length)? ParseRange(string? header, long size)
    {
        if (header is null || !RangeHeaderValue.TryParse(header, out var range) || range.Unit != "bytes" || range.Ranges.Count != 1) return null;
        var item = range.Ranges.First();
        long start, end;
        if (item.From is null)
        {
            if (item.To is null or 0) throw S3Errors.InvalidRange(size);
            start = Math.Max(0, size - item.To.Value);
            end = size - 1;
        }
        else
        {
            start = item.From.Value;
            end = Math.Min(item.To ?? size - 1, size - 1);
        }
        if (start >= size || start > end) throw S3Errors.InvalidRange(size);
        return (start, end - start + 1);
    }

    internal static (string Bucket, string Key) ParseCopySource(string header)
    {
        var source = header;
        var question = source.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            if (source[(question + 1)..].StartsWith("versionId=", StringComparison.Ordinal)) throw S3Errors.NotImplemented("Copying a version");
            source = source[..question];
        }
        if (!RequestTarget.TryDecode(source, out var decoded)) throw S3Errors.InvalidArgument("x-amz-copy-source is not valid percent-encoded UTF-8.");
        decoded = decoded.TrimStart('/');
        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1) throw S3Errors.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey.");
        return (decoded[..slash], decoded[(slash + 1)..]);
    }

    /// <summary>Copies a body and returns the MD5 (hex) of what was copied.</summary>
    private async Task<string> CopyBlob(string sourceBlobId, BlobWriter target, CancellationToken cancellationToken)
    {
        await using var source = Store.Blobs.OpenRead(sourceBlobId);
        using var md5 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                target.Write(buffer.AsSpan(0, read));
                md5.AppendData(buffer.AsSpan(0, read));
            }
            return Convert.ToHexStringLower(md5.GetCurrentHash());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteChecksumHeaders(HttpResponse response, ObjectRecord record)
    {
        if (record.ChecksumAlgorithm is null || record.ChecksumValue is null) return;
        if (!Checksums.TryParseWireName(record.ChecksumAlgorithm, out var algorithm)) return;
        response.Headers[Checksums.HeaderName(algorithm)] = record.ChecksumValue;
        if (record.ChecksumType is not null) response.Headers["x-amz-checksum-type"] = record.ChecksumType;
    }
}
