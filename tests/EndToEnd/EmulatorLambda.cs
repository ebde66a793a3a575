using System.Net.Http.Json;
using System.Text.Json;
using Amazon.Runtime;
using FaceRecognition.Cloud.Functions;
using FaceRecognition.Lambdas.Packaging;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The functions of a running system, as the emulator's Lambda sees them: through the Lambda API (as any
/// client) and through its admin endpoint (environments, their processes, peak concurrency).</summary>
internal sealed class EmulatorLambda(AppHostRun run) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly HttpClient _http = run.EmulatorAdmin(TimeSpan.FromMinutes(2));

    public LambdaApi Api { get; } = LambdaApi.Create(run.EmulatorUrl.ToString(), "us-east-1", new BasicAWSCredentials(AppHostRun.AccessKey, AppHostRun.SecretKey));

    /// <summary>The packages the packaging command built, which the AppHost deploys.</summary>
    public static PackageManifest Manifest() =>
        PackageManifest.Read(PackageOptions.DefaultOutput(PackageOptions.FindRepositoryRoot(AppContext.BaseDirectory)));

    public async Task<FunctionStatus> Status(string function) =>
        (await _http.GetFromJsonAsync<List<FunctionStatus>>("_emulator/lambda/functions", JsonSerializerOptions.Web, _ct))!.Single(f => f.Name == function);

    /// <summary>Downloads what GetFunction's Code.Location points at.</summary>
    public async Task<byte[]> DeployedCode(string function)
    {
        var location = (await Api.GetFunctionAsync(function, _ct))?.Code?.Location ?? throw new InvalidOperationException($"{function} has no code location.");
        return await _http.GetByteArrayAsync(new Uri(location), _ct);
    }

    /// <summary>Waits until one of the function's environments is busy with an invocation; returns its process id
    /// (none of <paramref name="except"/>, which the emulator may not have seen end yet).</summary>
    public async Task<int> BusyProcess(string function, IReadOnlyCollection<int> except)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if ((await Status(function)).Environments.FirstOrDefault(e => e.State == "Busy" && e.ProcessId is { } pid && !except.Contains(pid)) is { } busy)
            {
                return busy.ProcessId!.Value;
            }
            Assert.True(DateTime.UtcNow < deadline, $"No environment of {function} was busy within 2 minutes.");
            await Task.Delay(10, _ct);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        Api.Dispose();
    }
}

internal sealed record FunctionStatus(string Name, int Running, int PeakRunning, long Invocations, long Errors, long Throttles, List<EnvironmentStatus> Environments);

internal sealed record EnvironmentStatus(string Id, int? ProcessId, string State, int Invocations, bool Attached);
