using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Lambdas.Packaging.Tests;

/// <summary>The tools a package carries come from npm and are taken only when they match what was recorded.</summary>
public sealed class BundledToolsTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("facerec-tools-").FullName;
    private static readonly BundledTool s_ffprobe = FunctionCatalog.Get(FunctionCatalog.VideoSplitting).Tools.Single(t => t.PathInPackage == "bin/ffprobe");

    [Fact]
    public async Task A_tool_is_fetched_once_and_matches_its_recorded_hash()
    {
        SkipWithoutNpm();
        var tools = new BundledTools(_cache, NullLogger.Instance);
        var binary = await tools.GetAsync(s_ffprobe, TestContext.Current.CancellationToken);
        Assert.Equal(s_ffprobe.Sha256, BundledTools.Sha256Of(binary));
        Assert.True(File.GetUnixFileMode(binary).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(binary, await tools.GetAsync(s_ffprobe, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_binary_that_differs_from_its_recorded_hash_is_refused_and_not_kept()
    {
        SkipWithoutNpm();
        var wrong = s_ffprobe with { Sha256 = new string('0', 64) };
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new BundledTools(_cache, NullLogger.Instance).GetAsync(wrong, TestContext.Current.CancellationToken));
        Assert.Contains("not the recorded", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_cache, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_tarball_that_differs_from_its_recorded_integrity_is_refused()
    {
        SkipWithoutNpm();
        var wrong = s_ffprobe with { TarballIntegrity = "sha512-" + Convert.ToBase64String(new byte[64]) };
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new BundledTools(_cache, NullLogger.Instance).GetAsync(wrong, TestContext.Current.CancellationToken));
        Assert.Contains("integrity", error.Message, StringComparison.Ordinal);
    }

    private static void SkipWithoutNpm()
    {
        if (ExternalTools.FindOnPath("npm") is null) Assert.Skip("npm is not installed: the bundled tools are fetched with npm pack (./test.sh installs it).");
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
