using System.IO.Compression;
using System.Net.Http.Headers;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>Inputs of the end-to-end tests: the original workloads where present, the face-api demo photos, uploads.</summary>
internal static class TestFiles
{
    /// <summary>The original 1000-picture workload, extracted once; skips the test when the datasets are absent.</summary>
    public static (string Folder, string Labels) AsuFaces()
    {
        var root = Environment.GetEnvironmentVariable("FACEREC_DATASETS") is { Length: > 0 } d ? d : Path.Combine(RepositoryRoot(), "..", "shared", "datasets");
        var dataset = Path.GetFullPath(Path.Combine(root, "asu-faces"));
        if (!Directory.Exists(dataset))
        {
            Assert.Skip($"Dataset folder {dataset} is absent (set FACEREC_DATASETS to the folder holding asu-faces).");
        }
        var folder = Path.Combine(Path.GetTempPath(), "facerec-e2e-asu-faces");
        if (!File.Exists(Path.Combine(folder, "face_images_1000", "test_999.jpg")))
        {
            ZipFile.ExtractToDirectory(Path.Combine(dataset, "face_images_1000.zip"), folder, overwriteFiles: true);
        }
        return (Path.Combine(folder, "face_images_1000"), Path.Combine(dataset, "labels.csv"));
    }

    /// <summary>The original video workload (8 videos and who is in each); skips the test when the datasets are absent.</summary>
    public static (string Folder, Dictionary<string, string> Labels) AsuVideos()
    {
        var root = Environment.GetEnvironmentVariable("FACEREC_DATASETS") is { Length: > 0 } d ? d : Path.Combine(RepositoryRoot(), "..", "shared", "datasets");
        var dataset = Path.GetFullPath(Path.Combine(root, "asu-videos"));
        if (!Directory.Exists(dataset))
        {
            Assert.Skip($"Dataset folder {dataset} is absent (set FACEREC_DATASETS to the folder holding asu-videos).");
        }
        return (dataset, Labels(Path.Combine(dataset, "labels.csv")));
    }

    public static Dictionary<string, string> Labels(string csv) =>
        File.ReadAllLines(csv).Skip(1).Where(l => l.Contains(',', StringComparison.Ordinal))
            .Select(l => l.Trim().Split(',')).ToDictionary(p => p[0], p => p[1]);

    public static string FaceApiDemo(string file)
    {
        var path = Path.Combine(RepositoryRoot(), ".cache", "face-api", "package", "demo", file);
        if (!File.Exists(path))
        {
            Assert.Skip($"{path} is missing: run scripts/fetch-face-api.sh (./test.sh does).");
        }
        return path;
    }

    public static MultipartFormDataContent Form(string field, byte[] content, string fileName)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { file, field, fileName } };
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceRecognition.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("FaceRecognition.sln not found above the test binaries.");
    }
}
