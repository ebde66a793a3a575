using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FaceRecognition.Emulator.Tests.Support;

/// <summary>The emulator executable, started for real as a child process (for kill -9 and restart tests).</summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EmulatorProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <param name="withCredentials">False starts it without --credentials, so it generates and prints a pair.</param>
    public static async Task<EmulatorProcess> StartAsync(string dataDirectory, int port = 0, string[]? extraArguments = null,
        CancellationToken cancellationToken = default, bool withCredentials = true)
    {
        if (port == 0) port = FreePort();
        var executable = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "FaceRecognition.Emulator.exe" : "FaceRecognition.Emulator");
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] credentials = withCredentials ? ["--credentials", $"{EmulatorFixture.AccessKey}:{EmulatorFixture.SecretKey}"] : [];
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dataDirectory }
                     .Concat(credentials).Concat(extraArguments ?? []))
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var emulator = new EmulatorProcess(process, port);
        process.OutputDataReceived += (_, e) => emulator.Append(e.Data);
        process.ErrorDataReceived += (_, e) => emulator.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await emulator.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return emulator;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The emulator exited with {_process.ExitCode}:\n{Output}");
            try
            {
                var response = await http.GetAsync($"{ServiceUrl}/_emulator/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new TimeoutException($"The emulator did not become healthy within {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: a graceful stop.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsWindows())
        {
            _process.Kill();
        }
        else
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
