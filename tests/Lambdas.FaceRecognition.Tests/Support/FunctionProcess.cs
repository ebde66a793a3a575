using System.Diagnostics;
using System.Text;

namespace FaceRecognition.Lambdas.FaceRecognition.Tests.Support;

/// <summary>A built function started as its own process, as Lambda starts a custom runtime, with the environment Lambda
/// would give it: the function project's own build output (same configuration as the tests), whose runtimeconfig and
/// dependencies are the function's rather than the test project's.</summary>
internal sealed class FunctionProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <param name="project">The function's folder under Lambdas/ (VideoSplit, FaceRecognition).</param>
    public FunctionProcess(string project, string assemblyName, IReadOnlyDictionary<string, string> environment)
    {
        // The tests run from tests/<project>/bin/<configuration>/<framework>/; the function is built to the same place under Lambdas/.
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var repository = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var directory = Path.Combine(repository, "Lambdas", project, "bin", configuration, framework);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        start.ArgumentList.Add(Path.Combine(directory, assemblyName + ".dll"));
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
