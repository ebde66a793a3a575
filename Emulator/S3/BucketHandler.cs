using System.Globalization;
using System.Text;
using System.Xml;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>Bucket operations: create, head, delete, list buckets, location and object listings (v1 and v2).</summary>
internal sealed class BucketHandler(EmulatorStore store, S3Store s3, EmulatorOptions options, TimeProvider clock, EventPublisher events)
    : S3HandlerBase(store, s3, options, clock, events)
{
    public async Task CreateBucket(S3Request request)
    {
        S3Names.ValidateBucket(request.Bucket);
        var body = await ObjectBodyReader.ReadDocumentAsync(request, Options.MaxDocumentSize);
        if (body.Length > 0)
        {
            var location = S3Xml.Parse(body).ChildText("LocationConstraint");
            if (!string.IsNullOrEmpty(location) && location != Options.Region)
            {
                throw S3Errors.InvalidArgument($"The location constraint '{location}' is incompatible with this endpoint's region '{Options.Region}'.");
            }
        }
        var record = new BucketRecord(request.Bucket, Now, null);
        await Store.WriteAsync(changes => S3.CreateBucket(changes, record));
        request.Response.Headers.Location = "/" + request.Bucket;
    }

    public Task HeadBucket(S3Request request)
    {
        RequireBucket(request.Bucket);
        request.Response.Headers["x-amz-bucket-region"] = Options.Region;
        return Task.CompletedTask;
    }

    public async Task DeleteBucket(S3Request request)
    {
        await Store.WriteAsync(changes => S3.DeleteBucket(changes, S3.GetBucket(request.Bucket)));
        request.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public Task ListBuckets(S3Request request)
    {
        var buckets = Store.Read(S3.BucketRecords);
        return WriteXml(request, S3Xml.Document("ListAllMyBucketsResult", writer =>
        {
            WriteOwner(writer);
            writer.Start("Buckets");
            foreach (var bucket in buckets)
            {
                writer.Start("Bucket");
                writer.Element("Name", bucket.Name);
                writer.Element("CreationDate", S3Xml.Time(bucket.CreatedAt));
                writer.Element("BucketRegion", Options.Region);
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }));
    }

    public Task GetBucketLocation(S3Request request)
    {
        RequireBucket(request.Bucket);
        var region = Options.Region == "us-east-1" ? "" : Options.Region;
        return WriteXml(request, S3Xml.Document("LocationConstraint", writer => writer.WriteString(region)));
    }

    public Task ListObjectsV2(S3Request request) => List(request, version2: true);

    public Task ListObjects(S3Request request) => List(request, version2: false);

    private Task List(S3Request request, bool version2)
    {
        var target = request.Target;
        var prefix = target.Get("prefix") ?? "";
        var delimiter = target.Get("delimiter") ?? "";
        var encodeUrl = target.Get("encoding-type") switch
        {
            null => false,
            "url" => true,
            var other => throw S3Errors.InvalidArgument($"Invalid Encoding Method specified in Request: '{other}'; only 'url' is valid."),
        };
        var maxKeysText = target.Get("max-keys");
        var maxKeys = 1000;
        if (maxKeysText is not null && (!int.TryParse(maxKeysText, NumberStyles.None, CultureInfo.InvariantCulture, out maxKeys)))
        {
            throw S3Errors.InvalidArgument("max-keys must be a whole number from 0 upwards.");
        }
        maxKeys = Math.Min(maxKeys, 1000);
        var continuationToken = version2 ? target.Get("continuation-token") : null;
        var startAfter = version2 ? target.Get("start-after") : target.Get("marker");
        var resumeAfter = continuationToken is not null ? DecodeToken(continuationToken) : startAfter;
        var fetchOwner = !version2 || target.Get("fetch-owner") == "true";

        var page = ListPage(request.Bucket, prefix, delimiter, resumeAfter, maxKeys);
        string Encode(string value) => encodeUrl ? SigV4.UriEncode(value, keepSlash: true) : value;

        return WriteXml(request, S3Xml.Document("ListBucketResult", writer =>
        {
            writer.Element("Name", request.Bucket);
            writer.Element("Prefix", Encode(prefix));
            if (version2)
            {
                if (continuationToken is not null) writer.Element("ContinuationToken", continuationToken);
                if (startAfter is not null) writer.Element("StartAfter", Encode(startAfter));
                writer.Element("KeyCount", page.Contents.Count + page.CommonPrefixes.Count);
            }
            else
            {
                writer.Element("Marker", Encode(startAfter ?? ""));
                if (page.IsTruncated && page.LastItem is not null) writer.Element("NextMarker", Encode(page.LastItem));
            }
            writer.Element("MaxKeys", maxKeys);
            if (delimiter.Length > 0) writer.Element("Delimiter", Encode(delimiter));
            if (encodeUrl) writer.Element("EncodingType", "url");
            writer.Element("IsTruncated", page.IsTruncated);
            if (version2 && page.IsTruncated && page.LastItem is not null) writer.Element("NextContinuationToken", EncodeToken(page.LastItem));
            foreach (var record in page.Contents)
            {
                writer.Start("Contents");
                writer.Element("Key", Encode(record.Key));
                writer.Element("LastModified", S3Xml.Time(record.LastModified));
                writer.Element("ETag", Quoted(record.ETag));
                if (record.ChecksumAlgorithm is not null)
                {
                    writer.Element("ChecksumAlgorithm", record.ChecksumAlgorithm);
                    writer.Element("ChecksumType", record.ChecksumType);
                }
                writer.Element("Size", record.Size);
                if (fetchOwner) WriteOwner(writer);
                writer.Element("StorageClass", "STANDARD");
                writer.WriteEndElement();
            }
            foreach (var commonPrefix in page.CommonPrefixes)
            {
                writer.Start("CommonPrefixes");
                writer.Element("Prefix", Encode(commonPrefix));
                writer.WriteEndElement();
            }
        }));
    }

    private sealed record Page(List<ObjectRecord> Contents, List<string> CommonPrefixes, bool IsTruncated, string? LastItem);

    /// <summary>Walks the sorted keys from just after <paramref name="resumeAfter"/>, folding keys that share a
    /// delimited prefix into one common prefix, until <paramref name="maxKeys"/> items.</summary>
    private Page ListPage(string bucketName, string prefix, string delimiter, string? resumeAfter, int maxKeys) =>
        Store.Read(() => ListPage(S3.GetBucket(bucketName), prefix, delimiter, resumeAfter, maxKeys));

    private static Page ListPage(Bucket bucket, string prefix, string delimiter, string? resumeAfter, int maxKeys)
    {
        var contents = new List<ObjectRecord>();
        var commonPrefixes = new List<string>();
        string? lastItem = null;
        if (bucket.Keys.Count == 0 || maxKeys == 0) return new Page(contents, commonPrefixes, false, null);
        var lower = resumeAfter is not null && Utf8Order.Instance.Compare(resumeAfter, prefix) > 0 ? resumeAfter : prefix;
        if (Utf8Order.Instance.Compare(lower, bucket.Keys.Max) > 0) return new Page(contents, commonPrefixes, false, null);
        // A resumed listing that stopped on a common prefix must skip the keys folded into it.
        var skipPrefix = resumeAfter is not null && delimiter.Length > 0 && resumeAfter.EndsWith(delimiter, StringComparison.Ordinal) ? resumeAfter : null;
        foreach (var key in bucket.Keys.GetViewBetween(lower, bucket.Keys.Max!))
        {
            if (resumeAfter is not null && Utf8Order.Instance.Compare(key, resumeAfter) <= 0) continue;
            if (skipPrefix is not null && key.StartsWith(skipPrefix, StringComparison.Ordinal)) continue;
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
            string? folded = null;
            if (delimiter.Length > 0)
            {
                var index = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (index >= 0) folded = key[..(index + delimiter.Length)];
            }
            if (folded is not null && folded == lastItem) continue;
            if (contents.Count + commonPrefixes.Count == maxKeys) return new Page(contents, commonPrefixes, true, lastItem);
            if (folded is not null)
            {
                commonPrefixes.Add(folded);
                lastItem = folded;
            }
            else
            {
                contents.Add(bucket.Objects[key]);
                lastItem = key;
            }
        }
        return new Page(contents, commonPrefixes, false, lastItem);
    }

    private void WriteOwner(XmlWriter writer)
    {
        writer.Start("Owner");
        writer.Element("ID", Options.AccountId);
        writer.Element("DisplayName", "emulator");
        writer.WriteEndElement();
    }

    private static string EncodeToken(string lastItem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastItem));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw S3Errors.InvalidArgument("The continuation token provided is incorrect.");
        }
    }
}
