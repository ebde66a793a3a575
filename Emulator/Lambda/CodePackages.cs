using System.IO.Compression;
using System.Security.Cryptography;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.S3;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>A deployment package as kept: the zip (in the blob store) and where it is unpacked.</summary>
internal sealed record StoredPackage(string BlobId, string Sha256, long Size);

/// <summary>
/// Deployment packages: checks a zip as Lambda would (it unzips, within Lambda's size limits), keeps the zip in the
/// blob store like an object body, and unpacks it once per content (by SHA-256) into the folder its execution
/// environments run from (their <c>LAMBDA_TASK_ROOT</c>). A package that cannot be used is refused with the reason
/// and leaves nothing behind.
/// </summary>
internal sealed class CodePackages(EmulatorOptions options, EmulatorStore store, S3Store s3)
{
    /// <summary>Lambda's limit for the unzipped package (250 MB).</summary>
    public const long MaxUnzippedBytes = 262_144_000;

    /// <summary>Lambda's limit for a zip uploaded in the request itself (50 MB); larger ones go through S3.</summary>
    public const long MaxDirectUploadBytes = 52_428_800;

    private const int UnixFileTypeMask = 0xF000;
    private const int UnixSymlink = 0xA000;

    public string Root => Path.Combine(Path.GetFullPath(options.DataDirectory), "lambda", "code");

    /// <summary>The folder a package is unpacked into.</summary>
    public string DirectoryOf(string sha256) => Path.Combine(Root, Convert.ToHexStringLower(Convert.FromBase64String(sha256)));

    /// <summary>Checks and keeps a package given inline (<paramref name="zip"/>) or as an S3 object.</summary>
    public async Task<StoredPackage> StoreAsync(byte[]? zip, string? bucket, string? key, string runtime, CancellationToken cancellationToken)
    {
        if (zip is not null && (bucket is not null || key is not null))
        {
            throw LambdaErrors.InvalidParameter("Please specify either the ZipFile or the S3Bucket and S3Key of the code, not both.");
        }
        await using var source = zip is not null ? new MemoryStream(zip, writable: false) : OpenS3Object(bucket, key);
        if (zip is not null && zip.Length > MaxDirectUploadBytes)
        {
            throw LambdaErrors.RequestTooLarge("CreateFunction", MaxDirectUploadBytes);
        }
        Check(source, runtime);

        source.Position = 0;
        var sha256 = Convert.ToBase64String(await SHA256.HashDataAsync(source, cancellationToken));
        source.Position = 0;
        string blobId;
        using (var writer = store.Blobs.CreateWriter(source.Length))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0) writer.Write(buffer.AsSpan(0, read));
            blobId = writer.Publish();
        }
        try
        {
            source.Position = 0;
            Unpack(source, DirectoryOf(sha256));
        }
        catch
        {
            store.Blobs.Discard(blobId);
            throw;
        }
        return new StoredPackage(blobId, sha256, source.Length);
    }

    /// <summary>The folder an environment of this function runs from, unpacking the kept zip again if the folder is
    /// gone (it lives in the data directory, but is only a cache of the zip).</summary>
    public string EnsureUnpacked(FunctionRecord function)
    {
        var directory = DirectoryOf(function.CodeSha256);
        if (Directory.Exists(directory)) return directory;
        using var zip = store.Blobs.OpenRead(function.CodeBlobId);
        Unpack(zip, directory);
        return directory;
    }

    public Stream OpenZip(FunctionRecord function) => store.Blobs.OpenRead(function.CodeBlobId);

    /// <summary>Removes unpacked folders no function uses any more.</summary>
    public void RemoveUnused(IReadOnlySet<string> sha256InUse)
    {
        if (!Directory.Exists(Root)) return;
        var keep = sha256InUse.Select(s => Path.GetFileName(DirectoryOf(s))).ToHashSet(StringComparer.Ordinal);
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            if (!keep.Contains(Path.GetFileName(directory))) Directory.Delete(directory, recursive: true);
        }
    }

    private Stream OpenS3Object(string? bucket, string? key)
    {
        if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(key))
        {
            throw LambdaErrors.InvalidParameter("Please provide a source for function code: ZipFile, or S3Bucket and S3Key.");
        }
        var record = store.Read(() =>
        {
            try
            {
                return s3.GetBucket(bucket).Objects.GetValueOrDefault(key);
            }
            catch (Protocol.AwsException)
            {
                return null;
            }
        }) ?? throw LambdaErrors.InvalidParameter(
            $"Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist. (s3://{bucket}/{key})");
        return store.Blobs.OpenRead(record.BlobId);
    }

    /// <summary>What Lambda checks before it accepts a package, and what the emulator checks because it would fail at
    /// the first invocation anyway: a readable zip, within the unzipped limit, whose entries stay inside the package,
    /// with an executable <c>bootstrap</c> at its root for the OS-only runtimes.</summary>
    private static void Check(Stream zip, string runtime)
    {
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            long unzipped = 0;
            ZipArchiveEntry? bootstrap = null;
            foreach (var entry in archive.Entries)
            {
                unzipped += entry.Length;
                if (!IsSafePath(entry.FullName)) throw LambdaErrors.InvalidParameter($"The deployment package has an entry outside its root: '{entry.FullName}'.");
                if (((entry.ExternalAttributes >> 16) & UnixFileTypeMask) == UnixSymlink)
                {
                    throw LambdaErrors.InvalidParameter($"The deployment package holds a symbolic link ('{entry.FullName}'), which the emulator does not unpack; store the file itself.");
                }
                if (entry.FullName == "bootstrap") bootstrap = entry;
            }
            if (unzipped > MaxUnzippedBytes)
            {
                throw LambdaErrors.InvalidParameter($"Unzipped size must be smaller than {MaxUnzippedBytes} bytes (this package unzips to {unzipped} bytes).");
            }
            if (runtime.StartsWith("provided", StringComparison.Ordinal))
            {
                if (bootstrap is null)
                {
                    throw LambdaErrors.InvalidParameter($"The deployment package has no 'bootstrap' at its root, which the {runtime} runtime starts.");
                }
                var mode = (bootstrap.ExternalAttributes >> 16) & 0x1FF;
                if ((mode & 0b001_000_000) == 0)
                {
                    throw LambdaErrors.InvalidParameter(
                        $"The package's 'bootstrap' is not executable (its Unix mode in the zip is {Convert.ToString(mode, 8)}); make it executable (chmod 755) before zipping.");
                }
            }
        }
        catch (InvalidDataException)
        {
            throw LambdaErrors.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.");
        }
    }

    private static bool IsSafePath(string name) =>
        name.Length > 0 && !name.StartsWith('/') && !name.Split('/').Any(segment => segment is ".." || segment.Contains('\0'));

    /// <summary>Unpacks into a fresh folder beside the target, then renames it into place: a folder that exists is whole.</summary>
    private void Unpack(Stream zip, string directory)
    {
        if (Directory.Exists(directory)) return;
        Directory.CreateDirectory(Root);
        var staging = directory + ".unpacking-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true))
            {
                foreach (var entry in archive.Entries)
                {
                    var path = Path.Combine(staging, entry.FullName);
                    if (entry.FullName.EndsWith('/'))
                    {
                        Directory.CreateDirectory(path);
                        continue;
                    }
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    entry.ExtractToFile(path);
                    var mode = (entry.ExternalAttributes >> 16) & 0x1FF;
                    if (mode != 0 && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)mode);
                }
            }
            try
            {
                Directory.Move(staging, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                // Another function with the same package unpacked it first.
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
