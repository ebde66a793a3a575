using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>Multipart upload: create, upload part (in any order), complete, abort, list parts and uploads.</summary>
internal sealed class MultipartHandler(EmulatorStore store, S3Store s3, EmulatorOptions options, TimeProvider clock, EventPublisher events)
    : S3HandlerBase(store, s3, options, clock, events)
{
    private const int MaxPartNumber = 10000;
    private const long MinPartSize = 5L * 1024 * 1024;
    private const int ConcatenateBufferSize = 1024 * 1024;

    public async Task CreateMultipartUpload(S3Request request)
    {
        S3Names.ValidateKey(request.Key);
        var (contentType, metadata, headers) = ObjectHeaders.FromRequest(request.Request);
        string? algorithm = null;
        if (request.Header("x-amz-checksum-algorithm") is { } named)
        {
            if (!Checksums.TryParseWireName(named, out var parsed)) throw S3Errors.InvalidRequest($"Checksum algorithm '{named}' is not supported.");
            algorithm = Checksums.WireName(parsed);
        }
        var type = request.Header("x-amz-checksum-type")?.ToUpperInvariant();
        if (type is not (null or "COMPOSITE" or "FULL_OBJECT")) throw S3Errors.InvalidRequest("x-amz-checksum-type must be COMPOSITE or FULL_OBJECT.");
        if (algorithm is not null)
        {
            Checksums.TryParseWireName(algorithm, out var parsed);
            type ??= parsed == ChecksumAlgorithm.Crc64Nvme ? "FULL_OBJECT" : "COMPOSITE";
            if (type == "FULL_OBJECT" && !Checksums.SupportsFullObject(parsed))
            {
                throw S3Errors.InvalidRequest($"The FULL_OBJECT checksum type cannot be used with the {algorithm} checksum algorithm.");
            }
        }
        else
        {
            type = null;
        }

        var uploadId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var record = new UploadRecord(uploadId, request.Bucket, request.Key, Now, contentType, metadata, headers, algorithm, type);
        await Store.WriteAsync(changes => S3.CreateUpload(changes, record));
        if (algorithm is not null)
        {
            request.Response.Headers["x-amz-checksum-algorithm"] = algorithm;
            request.Response.Headers["x-amz-checksum-type"] = type;
        }
        await WriteXml(request, S3Xml.Document("InitiateMultipartUploadResult", writer =>
        {
            writer.Element("Bucket", request.Bucket);
            writer.Element("Key", request.Key);
            writer.Element("UploadId", uploadId);
        }));
    }

    public async Task UploadPart(S3Request request)
    {
        if (request.Header("x-amz-copy-source") is not null) throw S3Errors.NotImplemented("UploadPartCopy");
        var partNumber = PartNumber(request);
        var uploadId = request.Target.Get("uploadId")!;
        var uploadAlgorithm = Store.Read(() =>
        {
            S3.GetBucket(request.Bucket);
            var upload = S3.GetUpload(request.Bucket, request.Key, uploadId);
            return upload.Record.ChecksumAlgorithm is { } name && Checksums.TryParseWireName(name, out var a) ? a : (ChecksumAlgorithm?)null;
        });
        var body = await ObjectBodyReader.ReceiveAsync(request, Store.Blobs, Options.MaxObjectSize, uploadAlgorithm);
        using (body.Blob)
        {
            var part = new PartRecord(uploadId, partNumber, body.Blob.Publish(), body.Size, body.ETag, Now, body.Checksum);
            var stored = false;
            try
            {
                await Store.WriteAsync(changes =>
                {
                    S3.PutPart(changes, S3.GetUpload(request.Bucket, request.Key, uploadId), part);
                    stored = true;
                });
            }
            finally
            {
                if (!stored) Store.Blobs.Discard(part.BlobId);
            }
            request.Response.Headers.ETag = Quoted(part.ETag);
            if (body.Algorithm is { } algorithm && body.Checksum is not null) request.Response.Headers[Checksums.HeaderName(algorithm)] = body.Checksum;
        }
    }

    public async Task CompleteMultipartUpload(S3Request request)
    {
        var uploadId = request.Target.Get("uploadId")!;
        var document = S3Xml.Parse(await ObjectBodyReader.ReadDocumentAsync(request, Options.MaxDocumentSize));
        if (document.Name != "CompleteMultipartUpload") throw S3Errors.MalformedXml("the root element must be CompleteMultipartUpload.");
        var requested = document.All("Part").Select(p => (
            Number: int.TryParse(p.ChildText("PartNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1,
            ETag: Unquoted(p.ChildText("ETag") ?? ""))).ToList();
        if (requested.Count == 0) throw S3Errors.MalformedXml("the list of parts must not be empty.");
        for (var i = 0; i < requested.Count; i++)
        {
            if (requested[i].Number is < 1 or > MaxPartNumber) throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive.");
            if (i > 0 && requested[i].Number <= requested[i - 1].Number) throw S3Errors.InvalidPartOrder();
        }

        var (upload, parts) = Store.Read(() =>
        {
            S3.GetBucket(request.Bucket);
            var current = S3.GetUpload(request.Bucket, request.Key, uploadId);
            var chosen = new List<PartRecord>();
            foreach (var (number, etag) in requested)
            {
                var part = current.Parts.GetValueOrDefault(number);
                if (part is null || part.ETag != etag) throw S3Errors.InvalidPart($"part {number} with ETag \"{etag}\".");
                chosen.Add(part);
            }
            return (current.Record, chosen);
        });
        for (var i = 0; i < parts.Count - 1; i++)
        {
            if (parts[i].Size < MinPartSize) throw S3Errors.EntityTooSmall(parts[i].PartNumber);
        }

        using var assembled = Store.Blobs.CreateWriter(parts.Sum(p => p.Size));
        var (size, checksum) = await Concatenate(upload, parts, assembled, request.Aborted);
        var blobId = assembled.Publish();
        var objectETag = MultipartETag(parts);
        var record = new ObjectRecord(upload.Bucket, upload.Key, blobId, size, objectETag, Now, upload.ContentType, upload.Metadata, upload.Headers,
            upload.ChecksumAlgorithm, checksum, upload.ChecksumAlgorithm is null ? null : upload.ChecksumType, parts.Count);

        var stored = false;
        try
        {
            await Store.WriteAsync(changes =>
            {
                var bucket = S3.GetBucket(upload.Bucket);
                S3.RemoveUpload(changes, S3.GetUpload(request.Bucket, request.Key, uploadId));
                S3.PutObject(changes, bucket, record);
                stored = true;
                Events.Publish(changes, bucket, EventPublisher.ObjectCreatedCompleteMultipartUpload, record.Key, record, request, record.LastModified);
            });
        }
        finally
        {
            if (!stored) Store.Blobs.Discard(blobId);
        }

        if (record.ChecksumAlgorithm is not null && Checksums.TryParseWireName(record.ChecksumAlgorithm, out var algorithm))
        {
            request.Response.Headers[Checksums.HeaderName(algorithm)] = record.ChecksumValue;
            request.Response.Headers["x-amz-checksum-type"] = record.ChecksumType;
        }
        await WriteXml(request, S3Xml.Document("CompleteMultipartUploadResult", writer =>
        {
            writer.Element("Location", $"/{record.Bucket}/{Auth.SigV4.UriEncode(record.Key, keepSlash: true)}");
            writer.Element("Bucket", record.Bucket);
            writer.Element("Key", record.Key);
            writer.Element("ETag", Quoted(record.ETag));
            if (record.ChecksumAlgorithm is not null)
            {
                writer.Element("Checksum" + record.ChecksumAlgorithm, record.ChecksumValue);
                writer.Element("ChecksumType", record.ChecksumType);
            }
        }));
    }

    public async Task AbortMultipartUpload(S3Request request)
    {
        var uploadId = request.Target.Get("uploadId")!;
        await Store.WriteAsync(changes =>
        {
            S3.GetBucket(request.Bucket);
            S3.RemoveUpload(changes, S3.GetUpload(request.Bucket, request.Key, uploadId));
        });
        request.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public Task ListParts(S3Request request)
    {
        var uploadId = request.Target.Get("uploadId")!;
        var maxParts = ParseNumber(request.Target.Get("max-parts"), 1000, "max-parts");
        var marker = ParseNumber(request.Target.Get("part-number-marker"), 0, "part-number-marker");
        var (upload, parts, truncated) = Store.Read(() =>
        {
            S3.GetBucket(request.Bucket);
            var current = S3.GetUpload(request.Bucket, request.Key, uploadId);
            var after = current.Parts.Values.Where(p => p.PartNumber > marker).ToList();
            var page = after.Take(maxParts).ToList();
            return (current.Record, page, after.Count > page.Count);
        });
        return WriteXml(request, S3Xml.Document("ListPartsResult", writer =>
        {
            writer.Element("Bucket", upload.Bucket);
            writer.Element("Key", upload.Key);
            writer.Element("UploadId", upload.UploadId);
            writer.Element("PartNumberMarker", marker);
            if (parts.Count > 0) writer.Element("NextPartNumberMarker", parts[^1].PartNumber);
            writer.Element("MaxParts", maxParts);
            writer.Element("IsTruncated", truncated);
            if (upload.ChecksumAlgorithm is not null) writer.Element("ChecksumAlgorithm", upload.ChecksumAlgorithm);
            foreach (var part in parts)
            {
                writer.Start("Part");
                writer.Element("PartNumber", part.PartNumber);
                writer.Element("LastModified", S3Xml.Time(part.LastModified));
                writer.Element("ETag", Quoted(part.ETag));
                writer.Element("Size", part.Size);
                if (upload.ChecksumAlgorithm is not null) writer.Element("Checksum" + upload.ChecksumAlgorithm, part.ChecksumValue);
                writer.WriteEndElement();
            }
            writer.Element("StorageClass", "STANDARD");
        }));
    }

    public Task ListMultipartUploads(S3Request request)
    {
        var prefix = request.Target.Get("prefix") ?? "";
        var maxUploads = ParseNumber(request.Target.Get("max-uploads"), 1000, "max-uploads");
        var uploads = Store.Read(() =>
        {
            S3.GetBucket(request.Bucket);
            return S3.UploadRecords(request.Bucket, prefix);
        });
        var page = uploads.Take(maxUploads).ToList();
        return WriteXml(request, S3Xml.Document("ListMultipartUploadsResult", writer =>
        {
            writer.Element("Bucket", request.Bucket);
            writer.Element("KeyMarker", "");
            writer.Element("UploadIdMarker", "");
            writer.Element("Prefix", prefix);
            writer.Element("MaxUploads", maxUploads);
            writer.Element("IsTruncated", uploads.Count > page.Count);
            foreach (var upload in page)
            {
                writer.Start("Upload");
                writer.Element("Key", upload.Key);
                writer.Element("UploadId", upload.UploadId);
                writer.Element("Initiated", S3Xml.Time(upload.Initiated));
                writer.Element("StorageClass", "STANDARD");
                writer.WriteEndElement();
            }
        }));
    }

    private static int PartNumber(S3Request request)
    {
        var text = request.Target.Get("partNumber");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > MaxPartNumber)
        {
            throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive.");
        }
        return number;
    }

    private static int ParseNumber(string? text, int defaultValue, string name)
    {
        if (text is null) return defaultValue;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) throw S3Errors.InvalidArgument($"{name} must be a whole number.");
        return Math.Min(value, 1000);
    }

    /// <summary>S3's multipart ETag: the MD5 of the parts' binary MD5s, then <c>-N</c>.</summary>
    private static string MultipartETag(List<PartRecord> parts)
    {
        var digests = new byte[parts.Count * 16];
        for (var i = 0; i < parts.Count; i++) Convert.FromHexString(parts[i].ETag).CopyTo(digests, i * 16);
        return Convert.ToHexStringLower(MD5.HashData(digests)) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Joins the parts into one body. The object's checksum is computed over the whole (FULL_OBJECT) or from
    /// the parts' checksums (COMPOSITE, <c>value-N</c>).</summary>
    private async Task<(long Size, string? Checksum)> Concatenate(UploadRecord upload, List<PartRecord> parts, BlobWriter target, CancellationToken cancellationToken)
    {
        ChecksumAlgorithm? algorithm = upload.ChecksumAlgorithm is { } name && Checksums.TryParseWireName(name, out var a) ? a : null;
        using var whole = algorithm is { } full && upload.ChecksumType == "FULL_OBJECT" ? Checksums.Create(full) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(ConcatenateBufferSize);
        long size = 0;
        try
        {
            foreach (var part in parts)
            {
                await using var source = Store.Blobs.OpenRead(part.BlobId);
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    target.Write(buffer.AsSpan(0, read));
                    whole?.Append(buffer.AsSpan(0, read));
                    size += read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        string? checksum = null;
        if (whole is not null)
        {
            checksum = whole.GetBase64();
        }
        else if (algorithm is { } composite && parts.All(p => p.ChecksumValue is not null))
        {
            using var ofChecksums = Checksums.Create(composite);
            foreach (var part in parts) ofChecksums.Append(Convert.FromBase64String(part.ChecksumValue!));
            checksum = ofChecksums.GetBase64() + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
        }
        return (size, checksum);
    }
}
