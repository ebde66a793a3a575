using System.IO.Compression;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Lambdas.Packaging.Tests.Support;

/// <summary>The functions' packages as the packaging command builds them (in the repository's artifacts/lambda, so a
/// build that <c>./test.sh</c> or the AppHost already made is reused), each also unzipped into a scratch folder.</summary>
public sealed class PackagesFixture : IAsyncLifetime
{
    private readonly string _unzipped = Directory.CreateTempSubdirectory("facerec-packages-").FullName;

    public string RepositoryRoot { get; } = PackageOptions.FindRepositoryRoot(AppContext.BaseDirectory);

    public string OutputDirectory => PackageOptions.DefaultOutput(RepositoryRoot);

    public IReadOnlyList<PackageInfo> Packages { get; private set; } = [];

    public PackageInfo Package(string function) => Packages.Single(p => p.Function == function);

    public string ZipOf(string function) => Path.Combine(OutputDirectory, Package(function).File);

    /// <summary>The folder the package was unzipped into (file modes kept, as Lambda keeps them).</summary>
    public string Unzipped(string function) => Path.Combine(_unzipped, function);

    public async ValueTask InitializeAsync()
    {
        Packages = await new PackageBuilder(new PackageOptions(RepositoryRoot, OutputDirectory), NullLogger.Instance).EnsureAsync(cancellationToken: TestContext.Current.CancellationToken);
        foreach (var package in Packages) ZipFile.ExtractToDirectory(Path.Combine(OutputDirectory, package.File), Unzipped(package.Function));
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_unzipped, recursive: true);
        return ValueTask.CompletedTask;
    }
}
