using System.Diagnostics;
using System.Security.Cryptography;

namespace FaceRecognition.ModelConverter.Tests;

public sealed class ConversionTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("facerec-models-").FullName;

    [Fact]
    public async Task Converting_the_face_api_package_gives_the_committed_models_byte_for_byte()
    {
        var root = RepositoryRoot();
        var package = Path.Combine(root, ".cache", "face-api", "package");
        if (!Directory.Exists(Path.Combine(package, "model")))
        {
            Assert.Skip($"{package} is missing: run scripts/fetch-face-api.sh (./test.sh does).");
        }

        var (exitCode, output) = await Convert(package, _output);

        Assert.True(exitCode == 0, output);
        foreach (var model in new[] { "ssd_mobilenetv1.onnx", "ssd_mobilenetv1_256.onnx", "face_landmark_68.onnx", "face_recognition.onnx" })
        {
            Assert.Equal(Hash(Path.Combine(root, "models", model)), Hash(Path.Combine(_output, model)));
            Assert.Contains(Hash(Path.Combine(root, "models", model)), File.ReadAllText(Path.Combine(root, "models", "MODELS.md")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_folder_without_the_weights_is_refused_with_usage()
    {
        var (exitCode, output) = await Convert(_output, _output);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("usage:", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private static async Task<(int ExitCode, string Output)> Convert(string package, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "FaceRecognition.ModelConverter.dll"), package, output })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Hash(string path) => System.Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string RepositoryRoot()
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
