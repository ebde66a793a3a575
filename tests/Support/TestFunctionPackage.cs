using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace FaceRecognition.Tests.Support;

/// <summary>
/// Deployment packages of tests/TestFunction (a custom runtime whose payload says what it does), built from its output
/// next to the test assembly: a zip with a <c>bootstrap</c> that starts it with this machine's dotnet, as a Lambda
/// package of a framework-dependent app would. Also the broken packages Lambda must refuse.
/// </summary>
public static class TestFunctionPackage
{
    private const string Assembly = "FaceRecognition.TestFunction";
    private const int Executable = 0b111_101_101;
    private const int RegularFile = 0x8000;

    /// <summary>The test function's package; a <paramref name="note"/> (a file of its own) makes a package with other bytes,
    /// and <paramref name="paddingBytes"/> of random data (incompressible) a larger one.</summary>
    public static byte[] Zip(string? note = null, int paddingBytes = 0) => Build(bootstrap: BootstrapScript(), bootstrapMode: Executable, note, paddingBytes);

    /// <summary>A package without <c>bootstrap</c>.</summary>
    public static byte[] WithoutBootstrap() => Build(bootstrap: null, bootstrapMode: 0, note: null);

    /// <summary>A package whose <c>bootstrap</c> is not executable.</summary>
    public static byte[] WithPlainBootstrap() => Build(bootstrap: BootstrapScript(), bootstrapMode: 0b110_100_100, note: null);

    /// <summary>A zip that unzips to more than Lambda allows (a file of zeros, declared <paramref name="bytes"/> long).</summary>
    public static byte[] Unzipping(long bytes)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(archive, "bootstrap", Encoding.UTF8.GetBytes(BootstrapScript()), Executable);
            var entry = archive.CreateEntry("zeros.bin", CompressionLevel.Fastest);
            using var stream = entry.Open();
            var chunk = new byte[1024 * 1024];
            for (long written = 0; written < bytes; written += chunk.Length) stream.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
        }
        return buffer.ToArray();
    }

    /// <summary>The script Lambda starts: this machine's dotnet running the test function from the task root.</summary>
    private static string BootstrapScript()
    {
        var dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        return $"#!/bin/sh\nexec \"{dotnet}\" \"$LAMBDA_TASK_ROOT/{Assembly}.dll\"\n";
    }

    private static byte[] Build(string? bootstrap, int bootstrapMode, string? note, int paddingBytes = 0)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var suffix in new[] { ".dll", ".runtimeconfig.json", ".deps.json" })
            {
                var path = Path.Combine(AppContext.BaseDirectory, Assembly + suffix);
                if (File.Exists(path)) Add(archive, Assembly + suffix, File.ReadAllBytes(path), 0b110_100_100);
            }
            if (bootstrap is not null) Add(archive, "bootstrap", Encoding.UTF8.GetBytes(bootstrap), bootstrapMode);
            if (note is not null) Add(archive, "note.txt", Encoding.UTF8.GetBytes(note), 0b110_100_100);
            if (paddingBytes > 0) Add(archive, "padding.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(paddingBytes), 0b110_100_100);
        }
        return buffer.ToArray();
    }

    private static void Add(ZipArchive archive, string name, byte[] content, int mode)
    {
        var entry = archive.CreateEntry(name);
        entry.ExternalAttributes = (RegularFile | mode) << 16;
        using var stream = entry.Open();
        stream.Write(content);
    }
}
