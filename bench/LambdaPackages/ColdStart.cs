using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceRecognition.Bench.LambdaPackages;

/// <summary>A package's cold start as Lambda counts its Init Duration: from starting <c>bootstrap</c> to the runtime's
/// first request for an event, against a stub Runtime API, with only the package on the library path.</summary>
internal static class ColdStart
{
    public static async Task<double> MeasureAsync(string root, string function)
    {
        using var runtimeApi = new HttpListener();
        var port = FreePort();
        runtimeApi.Prefixes.Add($"http://127.0.0.1:{port}/");
        runtimeApi.Start();
        var start = new ProcessStartInfo(Path.Combine(root, "bootstrap")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.Environment.Clear();
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["LD_LIBRARY_PATH"] = root,
            ["PATH"] = "/usr/bin:/bin",
            ["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{port}",
            ["AWS_LAMBDA_FUNCTION_NAME"] = function,
            ["_HANDLER"] = function,
            ["LAMBDA_TASK_ROOT"] = root,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "bench",
            ["AWS_SECRET_ACCESS_KEY"] = "bench",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
        })
        {
            start.Environment[name] = value;
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var context = await runtimeApi.GetContextAsync().WaitAsync(TimeSpan.FromMinutes(1));
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (!context.Request.Url!.AbsolutePath.EndsWith("/invocation/next", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{function}: the runtime's first request was {context.Request.Url.AbsolutePath}, not a request for an event.");
            }
            context.Response.StatusCode = 500;
            context.Response.Close();
            return elapsed;
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
