namespace FaceRecognition.Lambdas.Packaging;

/// <summary>How packages are built. The defaults are what the system deploys (measured in docs/architecture.md):
/// ReadyToRun code (a shorter cold start) and unused framework assemblies trimmed away (without, video-splitting and its
/// ffmpeg do not fit in Lambda's 250 MB).</summary>
/// <param name="RepositoryRoot">The folder holding FaceRecognition.sln.</param>
/// <param name="OutputDirectory">Where the zips and manifests go (artifacts/lambda by default).</param>
/// <param name="Force">Build even when the inputs have not changed since the last build.</param>
public sealed record PackageOptions(string RepositoryRoot, string OutputDirectory, bool ReadyToRun = true, bool Trimmed = true, bool Force = false)
{
    public const string Runtime = "provided.al2023";
    public const string Architecture = "x86_64";
    public const string RuntimeIdentifier = "linux-x64";

    public static string DefaultOutput(string repositoryRoot) => Path.Combine(repositoryRoot, "artifacts", "lambda");

    /// <summary>The repository that holds <paramref name="start"/> (the folder with FaceRecognition.sln above it).</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FaceRecognition.sln"))) return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No FaceRecognition.sln in {start} or above it.");
    }
}
