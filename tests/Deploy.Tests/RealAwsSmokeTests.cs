using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.Runtime.Credentials;
using FaceRecognition.Lambdas.Packaging;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Deploy.Tests;

/// <summary>
/// The whole system on a real AWS account, through the commands a user runs: <c>./deploy.sh --prefix P</c>, the original
/// image contract answered by the web tier, a video named through the two functions, <c>./deploy.sh --destroy</c>. It
/// runs where AWS credentials are present and <c>FACEREC_AWS_PREFIX</c> names a prefix of the user's own (bucket names
/// are global, so no default is safe); otherwise it is skipped saying which is missing. It takes 10-20 minutes and
/// costs cents (two app-tier instances, not twenty).
/// </summary>
public sealed class RealAwsSmokeTests
{
    public const string PrefixVariable = "FACEREC_AWS_PREFIX";
    private static readonly TimeSpan s_deployTimeout = TimeSpan.FromMinutes(45);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deploy_answer_a_picture_and_a_video_through_AWS_then_destroy()
    {
        var prefix = Environment.GetEnvironmentVariable(PrefixVariable);
        if (string.IsNullOrWhiteSpace(prefix)) Assert.Skip($"{PrefixVariable} is not set: a real-AWS deployment needs a prefix of your own (and AWS credentials).");
        try
        {
            DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (Exception e)
        {
            Assert.Skip($"no AWS credentials ({e.Message.Split('\n')[0]}): configure them (aws configure, AWS_PROFILE, or the AWS_* variables) to run the real-AWS smoke test.");
        }
        var repository = PackageOptions.FindRepositoryRoot(AppContext.BaseDirectory);
        var picture = Path.Combine(repository, ".cache", "face-api", "package", "demo", "sample1.jpg");
        if (!File.Exists(picture)) Assert.Skip($"{picture} is missing: run scripts/fetch-face-api.sh (./test.sh does).");
        using var videos = new SyntheticVideos();
        var video = videos.Still("smoke_00.mp4", picture, 2);

        try
        {
            var (code, output) = await DeployScript(repository, ["--prefix", prefix, "--app-tier-instances", "2"]);
            Assert.True(code == 0, $"./deploy.sh --prefix {prefix} failed ({code}):\n{output}");
            var url = Regex.Match(output, @"Web tier ready: (?<url>\S+)").Groups["url"].Value;
            Assert.False(string.IsNullOrEmpty(url), $"./deploy.sh printed no ready web tier:\n{output}");
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(3) };

            // The original contract: POST / with inputFile, answered "<stem>:<name>" (a cold app tier starts first).
            using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(picture, _ct)), "inputFile", "sample1.jpg" } };
            using var answer = await http.PostAsync(new Uri("/", UriKind.Relative), form, _ct);
            var text = await answer.Content.ReadAsStringAsync(_ct);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode} {text}");
            Assert.StartsWith("sample1:", text, StringComparison.Ordinal);

            // The video path: uploaded through the web tier, split and recognised by the functions.
            using var upload = new MultipartFormDataContent();
            var content = new StreamContent(File.OpenRead(video));
            content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
            upload.Add(content, "file", "smoke_00.mp4");
            using var accepted = await http.PostAsync(new Uri("/api/videos", UriKind.Relative), upload, _ct);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var deadline = DateTime.UtcNow.AddMinutes(5);
            string? status = null;
            while (DateTime.UtcNow < deadline && status is not ("recognised" or "failed"))
            {
                await Task.Delay(TimeSpan.FromSeconds(2), _ct);
                using var polled = await http.GetAsync(new Uri("/api/videos/smoke_00", UriKind.Relative), _ct);
                if (polled.IsSuccessStatusCode)
                {
                    status = JsonDocument.Parse(await polled.Content.ReadAsStringAsync(_ct)).RootElement.GetProperty("status").GetString();
                }
            }
            Assert.Equal("recognised", status);
        }
        finally
        {
            var (code, output) = await DeployScript(repository, ["--destroy", "--prefix", prefix]);
            Assert.True(code == 0, $"./deploy.sh --destroy --prefix {prefix} failed ({code}); delete the stack FaceRecognition-{prefix} by hand:\n{output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> DeployScript(string repository, string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(repository, "deploy.sh")) { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_deployTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
