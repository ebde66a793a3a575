namespace FaceRecognition.EndToEnd.Tests;

/// <summary>How the suite decides whether a backend can run (the decision itself, with the environment faked).</summary>
public sealed class BackendAvailabilityTests
{
    private static readonly Func<string?> s_dockerAnswers = () => null;
    private static readonly Func<string?> s_noDocker = () => "no container runtime is installed ('docker' is not on PATH)";

    [Fact]
    public void The_emulator_always_runs() =>
        Assert.Null(BackendAvailability.Unavailable("Emulator", _ => null, s_noDocker));

    [Fact]
    public void LocalStack_without_a_docker_daemon_says_so() =>
        Assert.Equal("no Docker daemon (no container runtime is installed ('docker' is not on PATH))",
            BackendAvailability.Unavailable("LocalStack", _ => "token", s_noDocker));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void LocalStack_without_its_token_says_so(string? token) =>
        Assert.Equal("LOCALSTACK_AUTH_TOKEN not set", BackendAvailability.Unavailable("LocalStack", _ => token, s_dockerAnswers));

    [Fact]
    public void LocalStack_with_docker_and_a_token_runs() =>
        Assert.Null(BackendAvailability.Unavailable("LocalStack", name => name == "LOCALSTACK_AUTH_TOKEN" ? "ls-token" : null, s_dockerAnswers));
}

/// <summary>The claim the cross-backend suite rests on: services never depend on which cloud answers.</summary>
public sealed class ServiceCodeTests
{
    [Fact]
    public void Service_code_never_names_a_particular_local_cloud()
    {
        string[] services = ["ServiceDefaults", "Cloud", "WebTier", "AppTier", "Lambdas", "Vision"];
        var mentions = services
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(TestFiles.RepositoryRoot(), folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(l => l.line.Contains("localstack", StringComparison.OrdinalIgnoreCase))
            .Select(l => $"{Path.GetRelativePath(TestFiles.RepositoryRoot(), l.file)}:{l.i + 1}")
            .ToArray();

        Assert.Empty(mentions);
    }
}
