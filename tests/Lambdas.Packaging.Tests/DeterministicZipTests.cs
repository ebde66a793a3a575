using System.IO.Compression;

namespace FaceRecognition.Lambdas.Packaging.Tests;

public sealed class DeterministicZipTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("facerec-zip-").FullName;

    [Fact]
    public void The_same_files_zip_to_the_same_bytes_whenever_they_were_written()
    {
        var source = Path.Combine(_folder, "source");
        Directory.CreateDirectory(Path.Combine(source, "models"));
        File.WriteAllText(Path.Combine(source, "bootstrap"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(source, "bootstrap"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(source, "models", "b.onnx"), "b");
        File.WriteAllText(Path.Combine(source, "a.dll"), "a");

        var first = DeterministicZip.Create(source, Path.Combine(_folder, "first.zip"));
        File.SetLastWriteTimeUtc(Path.Combine(source, "a.dll"), DateTime.UtcNow.AddDays(-3));
        var second = DeterministicZip.Create(source, Path.Combine(_folder, "second.zip"));

        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "first.zip")), File.ReadAllBytes(Path.Combine(_folder, "second.zip")));
        Assert.Equal(first, second);
        Assert.Equal(["a.dll", "bootstrap", "models/b.onnx"], first.Select(f => f.Path));
        Assert.Equal(["644", "755", "644"], first.Select(f => f.Mode));
    }

    [Fact]
    public void Unzipping_keeps_the_executable_bit_Lambda_needs_on_bootstrap()
    {
        var source = Path.Combine(_folder, "source");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "bootstrap"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(source, "bootstrap"), (UnixFileMode)0b111_101_101);
        DeterministicZip.Create(source, Path.Combine(_folder, "package.zip"));

        ZipFile.ExtractToDirectory(Path.Combine(_folder, "package.zip"), Path.Combine(_folder, "unzipped"));
        Assert.True(File.GetUnixFileMode(Path.Combine(_folder, "unzipped", "bootstrap")).HasFlag(UnixFileMode.UserExecute));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
