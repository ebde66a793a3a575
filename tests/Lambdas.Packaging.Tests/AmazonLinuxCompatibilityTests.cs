using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FaceRecognition.Lambdas.Packaging.Tests.Support;

namespace FaceRecognition.Lambdas.Packaging.Tests;

/// <summary>
/// Lambda's provided.al2023 runtime is Amazon Linux 2023: glibc 2.34, GCC 11's libstdc++, no ICU. A binary built
/// against this machine's newer libraries may not start there, so every native file in a package is held to what
/// Amazon Linux 2023 provides, and the package's programs are run with nothing but the package on their library path.
/// </summary>
public sealed class AmazonLinuxCompatibilityTests(PackagesFixture packages) : IClassFixture<PackagesFixture>
{
    /// <summary>The newest symbol version Amazon Linux 2023 offers for each versioned library family.</summary>
    private static readonly Dictionary<string, Version> s_newestOnAmazonLinux = new(StringComparer.Ordinal)
    {
        ["GLIBC_"] = new(2, 34),
        ["GLIBCXX_"] = new(3, 4, 29),
        ["CXXABI_"] = new(1, 3, 13),
        ["GCC_"] = new(7, 0, 0),
    };

    /// <summary>The system libraries of Amazon Linux 2023 that a package may link to; anything else must be inside it.</summary>
    private static readonly HashSet<string> s_systemLibraries = new(StringComparer.Ordinal)
    {
        "ld-linux-x86-64.so.2", "libc.so.6", "libdl.so.2", "libgcc_s.so.1", "libm.so.6", "libpthread.so.0", "librt.so.1", "libstdc++.so.6",
    };

    public static TheoryData<string> Functions => [.. FunctionCatalog.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Functions))]
    public void Native_code_needs_only_libraries_Amazon_Linux_2023_has(string function)
    {
        var root = packages.Unzipped(function);
        var elfFiles = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(ElfFile.IsElf).ToList();
        Assert.Contains(Path.Combine(root, "bootstrap"), elfFiles);
        var inside = elfFiles.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var path in elfFiles)
        {
            var elf = ElfFile.Read(path);
            var relative = Path.GetRelativePath(root, path);
            problems.AddRange(elf.Needed.Where(l => !s_systemLibraries.Contains(l) && !inside.Contains(l)).Select(l => $"{relative} needs {l}, which neither the package nor Amazon Linux 2023 has"));
            foreach (var (library, version) in elf.VersionsNeeded)
            {
                var family = s_newestOnAmazonLinux.Keys.FirstOrDefault(f => version.StartsWith(f, StringComparison.Ordinal) && char.IsDigit(version[f.Length]));
                if (family is null || !Version.TryParse(version[family.Length..], out var needed))
                {
                    if (!inside.Contains(library)) problems.Add($"{relative} needs {version} of {library}, a version this test does not know");
                    continue;
                }
                if (needed > s_newestOnAmazonLinux[family]) problems.Add($"{relative} needs {version} of {library}; Amazon Linux 2023 has up to {family}{s_newestOnAmazonLinux[family]}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Functions_run_without_ICU_which_Amazon_Linux_2023_lacks(string function)
    {
        var config = Directory.GetFiles(packages.Unzipped(function), "*.runtimeconfig.json").Single();
        var properties = JsonNode.Parse(File.ReadAllText(config))!["runtimeOptions"]!["configProperties"]!;
        Assert.True(properties["System.Globalization.Invariant"]?.GetValue<bool>());
    }

    [Fact]
    public void Ffmpeg_and_ffprobe_run_from_the_package_alone()
    {
        var root = packages.Unzipped(FunctionCatalog.VideoSplitting);
        foreach (var tool in new[] { "ffmpeg", "ffprobe" })
        {
            var (exitCode, output) = Run(Path.Combine(root, "bin", tool), ["-version"], PackageOnlyEnvironment(root));
            Assert.True(exitCode == 0, $"{tool} -version exited with {exitCode}: {output}");
            Assert.StartsWith($"{tool} version", output, StringComparison.Ordinal);
        }
    }

    /// <summary>Init builds the whole function (the face-recognition models load into ONNX Runtime then); asking the
    /// Runtime API for the first event shows that it started.</summary>
    [Theory]
    [MemberData(nameof(Functions))]
    public async Task Bootstrap_starts_the_function_from_the_package_alone(string function)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var root = packages.Unzipped(function);
        using var runtimeApi = new HttpListener();
        var port = FreePort();
        runtimeApi.Prefixes.Add($"http://127.0.0.1:{port}/");
        runtimeApi.Start();

        var environment = PackageOnlyEnvironment(root);
        environment["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{port}";
        environment["AWS_LAMBDA_FUNCTION_NAME"] = function;
        environment["_HANDLER"] = function;
        environment["LAMBDA_TASK_ROOT"] = root;
        environment["AWS_REGION"] = "us-east-1";
        environment["AWS_ACCESS_KEY_ID"] = "test";
        environment["AWS_SECRET_ACCESS_KEY"] = "test";
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";
        using var process = Start(Path.Combine(root, "bootstrap"), [], environment);
        var output = CollectOutput(process);
        try
        {
            var context = await runtimeApi.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var path = context.Request.Url!.AbsolutePath;
            context.Response.StatusCode = 500;
            context.Response.Close();
            Assert.True(path == "/2018-06-01/runtime/invocation/next", $"The first request was {path}: {output}");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(cancellationToken);
        }
    }

    /// <summary>No inherited variables: only the package on the library path.</summary>
    private static Dictionary<string, string?> PackageOnlyEnvironment(string root) => new(StringComparer.Ordinal)
    {
        ["LD_LIBRARY_PATH"] = root,
        ["PATH"] = "/usr/bin:/bin",
    };

    private static (int ExitCode, string Output) Run(string file, string[] arguments, Dictionary<string, string?> environment)
    {
        using var process = Start(file, arguments, environment);
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{file} did not exit");
        return (process.ExitCode, output);
    }

    private static Process Start(string file, string[] arguments, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment.Clear();
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    private static System.Text.StringBuilder CollectOutput(Process process)
    {
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
