namespace FaceRecognition.Vision.Tests.Support;

/// <summary>Where test inputs live: committed fixtures, the git-ignored cache the scripts fill, the original datasets.</summary>
internal static class TestData
{
    public static string Fixtures(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The face-api demo photo, fetched by scripts/fetch-face-api.sh (test.sh runs it); skips the test when absent.</summary>
    public static string FaceApiDemo(string file)
    {
        var path = Path.Combine(RepositoryRoot, ".cache", "face-api", "package", "demo", file);
        if (!File.Exists(path))
        {
            Assert.Skip($"{path} is missing: run scripts/fetch-face-api.sh (./test.sh does) to fetch the face-api demo photos.");
        }
        return path;
    }

    /// <summary>A folder of the original workloads (FACEREC_DATASETS, default ../shared/datasets); skips the test when absent.</summary>
    public static string Dataset(string name)
    {
        var root = Environment.GetEnvironmentVariable("FACEREC_DATASETS");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(RepositoryRoot, "..", "shared", "datasets");
        }
        var path = Path.GetFullPath(Path.Combine(root, name));
        if (!Directory.Exists(path))
        {
            Assert.Skip($"Dataset folder {path} is absent (set FACEREC_DATASETS to the folder holding {name}).");
        }
        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceRecognition.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Tests must run inside the repository (FaceRecognition.sln not found above the test binaries).");
    }
}
