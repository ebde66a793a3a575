using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceRecognition.Bench.Emulator;

/// <summary>A server under test, running as its own process on a loopback port.</summary>
internal sealed class Server : IAsyncDisposable
{
    public const string AccessKey = "AKIABENCHMARK0000001";
    public const string SecretKey = "benchmark-secret-key-0123456789";

    private readonly Process _process;
    private readonly string? _dataDirectory;

    private Server(string name, Process process, int port, string? dataDirectory)
    {
        Name = name;
        _process = process;
        Port = port;
        _dataDirectory = dataDirectory;
    }

    public string Name { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>CPU time the server process has used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>This project's emulator, as shipped: signatures verified, every acknowledged write on disk (kill -9 safe).</summary>
    /// <param name="executable">Another build of it (a baseline to compare a change with); this checkout's by default.</param>
    public static Task<Server> StartEmulatorAsync(string? executable = null)
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("facerec-bench-").FullName;
        var info = new ProcessStartInfo(executable ?? Path.Combine(AppContext.BaseDirectory, "FaceRecognition.Emulator"))
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", data, "--credentials", $"{AccessKey}:{SecretKey}" },
        };
        // BENCH_EMULATOR_X=v sets X=v for the emulator only (runtime knobs under study).
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && key.StartsWith("BENCH_EMULATOR_", StringComparison.Ordinal)) info.Environment[key["BENCH_EMULATOR_".Length..]] = variable.Value as string;
        }
        return StartAsync(executable is null ? "FaceRecognition emulator" : "baseline emulator", info, port, data);
    }

    /// <summary>fauxqs 1.9.2 through its buildApp() on 127.0.0.1: in memory, no signature checks.</summary>
    public static Task<Server> StartFauxqsAsync(string fauxqsDirectory)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(fauxqsDirectory, "start.mjs"), port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            WorkingDirectory = fauxqsDirectory,
        };
        return StartAsync("fauxqs 1.9.2", info, port, null);
    }

    private static async Task<Server> StartAsync(string name, ProcessStartInfo info, int port, string? data)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        process.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("commits") == true) Console.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Console.Error.WriteLine($"[{name}] {e.Data}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited with {process.ExitCode}.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new Server(name, process, port, data);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"{name} did not listen on {port}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_dataDirectory is not null) Directory.Delete(_dataDirectory, recursive: true);
    }
}
