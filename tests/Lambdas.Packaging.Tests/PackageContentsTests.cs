using System.IO.Compression;
using FaceRecognition.Lambdas.Packaging.Tests.Support;

namespace FaceRecognition.Lambdas.Packaging.Tests;

/// <summary>What the packaging command builds: one zip per function for provided.al2023, listed truthfully in the
/// manifest, within Lambda's limits, with a bootstrap at its root and everything the function needs inside.</summary>
public sealed class PackageContentsTests(PackagesFixture packages) : IClassFixture<PackagesFixture>
{
    public static TheoryData<string> Functions => [.. FunctionCatalog.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Functions))]
    public void The_manifest_describes_the_zip_beside_it(string function)
    {
        var manifest = PackageManifest.Read(packages.OutputDirectory);
        var package = manifest.Packages.Single(p => p.Function == function);
        Assert.Equal(package, PackageManifest.ReadPackage(packages.OutputDirectory, function), PackageInfoComparer.Instance);

        var zip = packages.ZipOf(function);
        Assert.Equal(new FileInfo(zip).Length, package.Size);
        Assert.Equal(BundledTools.Sha256Of(zip), package.Sha256);
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(package.Sha256)), package.CodeSha256);
        Assert.Equal(("provided.al2023", "x86_64"), (package.Runtime, package.Architecture));

        using var archive = ZipFile.OpenRead(zip);
        var entries = archive.Entries.Select(e => new PackageFile(e.FullName, e.Length, Convert.ToString((e.ExternalAttributes >> 16) & 0x1FF, 8))).ToList();
        Assert.Equal(entries, package.Contents);
        Assert.Equal(entries.Sum(e => e.Size), package.UnzippedSize);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void A_package_fits_Lambdas_limits_and_says_how_it_is_deployed(string function)
    {
        var package = packages.Package(function);
        Assert.InRange(package.UnzippedSize, 1, PackageInfo.MaxUnzippedBytes);
        Assert.Equal(package.Size > 50 * 1024 * 1024, package.NeedsS3Upload);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Bootstrap_is_an_executable_at_the_root(string function)
    {
        var bootstrap = packages.Package(function).Contents.Single(c => c.Path == "bootstrap");
        Assert.Equal("755", bootstrap.Mode);
        Assert.True(ElfFile.IsElf(Path.Combine(packages.Unzipped(function), "bootstrap")));
        Assert.All(packages.Package(function).Contents, c => Assert.False(c.Path.StartsWith('/') || c.Path.Contains("..", StringComparison.Ordinal) || c.Path.Contains('\\'), c.Path));
    }

    [Fact]
    public void Video_splitting_carries_ffmpeg_and_ffprobe_as_recorded_with_their_licences()
    {
        var function = FunctionCatalog.Get(FunctionCatalog.VideoSplitting);
        Assert.Equal(["bin/ffmpeg", "bin/ffprobe"], function.Tools.Select(t => t.PathInPackage));
        foreach (var tool in function.Tools)
        {
            var binary = Path.Combine(packages.Unzipped(function.Name), tool.PathInPackage);
            Assert.Equal(tool.Sha256, BundledTools.Sha256Of(binary));
            Assert.Equal("755", packages.Package(function.Name).Contents.Single(c => c.Path == tool.PathInPackage).Mode);
            Assert.Contains("GPL", File.ReadAllText(binary + ".LICENSE.txt"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Face_recognition_carries_the_models_of_the_repository()
    {
        var models = Directory.GetFiles(Path.Combine(packages.RepositoryRoot, "models"), "*.onnx");
        Assert.NotEmpty(models);
        foreach (var model in models)
        {
            var packaged = Path.Combine(packages.Unzipped(FunctionCatalog.FaceRecognition), "models", Path.GetFileName(model));
            Assert.Equal(BundledTools.Sha256Of(model), BundledTools.Sha256Of(packaged));
        }
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void A_package_leaves_out_symbols_and_the_tracing_library_Amazon_Linux_lacks(string function)
    {
        var paths = packages.Package(function).Contents.Select(c => c.Path).ToList();
        Assert.DoesNotContain(paths, p => p.EndsWith(".pdb", StringComparison.Ordinal) || p.EndsWith(".dbg", StringComparison.Ordinal));
        Assert.DoesNotContain("libcoreclrtraceptprovider.so", paths);
    }

    /// <summary>Records holding lists compare by reference; two manifests agree when their values and contents do.</summary>
    private sealed class PackageInfoComparer : IEqualityComparer<PackageInfo?>
    {
        public static readonly PackageInfoComparer Instance = new();

        public bool Equals(PackageInfo? x, PackageInfo? y) =>
            x is not null && y is not null && (x with { Contents = Array.Empty<PackageFile>() }) == (y with { Contents = Array.Empty<PackageFile>() }) && x.Contents.SequenceEqual(y.Contents);

        public int GetHashCode(PackageInfo? obj) => obj?.Sha256.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
