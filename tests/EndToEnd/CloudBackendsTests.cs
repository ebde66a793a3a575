namespace FaceRecognition.EndToEnd.Tests;

/// <summary>How the suite decides whether a backend can run (the decision itself, with the environment faked).</summary>
public sealed class CloudBackendsTests
{
    private static readonly Func<string?> s_dockerAnswers = () => null;
    private static readonly Func<string?> s_noDocker = () => "no container runtime is installed ('docker' is not on PATH)";

    [Fact]
    public void The_emulator_always_runs() =>
        Assert.Null(CloudBackends.Unavailable("Emulator", _ => null, s_noDocker));

    [Fact]
    public void LocalStack_without_a_docker_daemon_says_so() =>
        Assert.Equal("no Docker daemon (no container runtime is installed ('docker' is not on PATH))",
            CloudBackends.Unavailable("LocalStack", _ => "token", s_noDocker));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void LocalStack_without_its_token_says_so(string? token) =>
        Assert.Equal("LOCALSTACK_AUTH_TOKEN not set", CloudBackends.Unavailable("LocalStack", _ => token, s_dockerAnswers));

    [Fact]
    public void LocalStack_with_docker_and_a_token_runs() =>
        Assert.Null(CloudBackends.Unavailable("LocalStack", name => name == "LOCALSTACK_AUTH_TOKEN" ? "ls-token" : null, s_dockerAnswers));
}
