using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceRecognition.Lambdas.Packaging;

/// <summary>One file inside a deployment package.</summary>
public sealed record PackageFile(string Path, long Size, string Mode);

/// <summary>A built deployment package: where it is, its size and hashes (<see cref="CodeSha256"/> is what Lambda
/// reports for it), what it holds, and what it was built from.</summary>
public sealed record PackageInfo(
    string Function,
    string File,
    long Size,
    string Sha256,
    string CodeSha256,
    long UnzippedSize,
    string Runtime,
    string Architecture,
    bool ReadyToRun,
    bool Trimmed,
    string Fingerprint,
    DateTimeOffset BuiltAt,
    IReadOnlyList<PackageFile> Contents)
{
    /// <summary>Lambda takes a zip of up to 50 MB in the request; a larger one is uploaded to S3 first.</summary>
    public const long MaxDirectUploadBytes = 52_428_800;

    /// <summary>Lambda's limit for the unzipped package.</summary>
    public const long MaxUnzippedBytes = 262_144_000;

    public bool NeedsS3Upload => Size > MaxDirectUploadBytes;
}

/// <summary>Every package in an output folder (<c>manifest.json</c>), next to one <c>&lt;function&gt;.json</c> per package.</summary>
public sealed record PackageManifest(IReadOnlyList<PackageInfo> Packages)
{
    public const string FileName = "manifest.json";

    public static PackageInfo? ReadPackage(string directory, string function)
    {
        var path = Path.Combine(directory, function + ".json");
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ManifestJson.Default.PackageInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static PackageManifest Read(string directory) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(directory, FileName)), ManifestJson.Default.PackageManifest)
        ?? throw new InvalidDataException($"{Path.Combine(directory, FileName)} is empty.");

    internal static void WritePackage(string directory, PackageInfo package) =>
        WriteAtomically(Path.Combine(directory, package.Function + ".json"), JsonSerializer.SerializeToUtf8Bytes(package, ManifestJson.Default.PackageInfo));

    internal static void WriteAll(string directory, IEnumerable<PackageInfo> packages) =>
        WriteAtomically(Path.Combine(directory, FileName),
            JsonSerializer.SerializeToUtf8Bytes(new PackageManifest([.. packages.OrderBy(p => p.Function, StringComparer.Ordinal)]), ManifestJson.Default.PackageManifest));

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PackageManifest))]
[JsonSerializable(typeof(PackageInfo))]
internal sealed partial class ManifestJson : JsonSerializerContext;
