using System.Diagnostics;

namespace FaceRecognition.Tests.Support;

/// <summary>Clients other than the AWS SDK for .NET, found on this machine: Python with boto3, the AWS CLI. Tests that
/// need one and find none are skipped, saying so (./test.sh installs them).</summary>
public static class ExternalTools
{
    /// <summary>FACEREC_PYTHON if set, else Debian's python3, else the first python3 on PATH — whichever imports boto3.</summary>
    public static string? FindPythonWithBoto3()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("FACEREC_PYTHON"), "/usr/bin/python3", FindOnPath("python3") };
        foreach (var candidate in candidates.Where(c => !string.IsNullOrEmpty(c)).Distinct())
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate!, ["-c", "import boto3"]) { RedirectStandardError = true, UseShellExecute = false });
                if (probe is not null && probe.WaitForExit(30_000) && probe.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
        return null;
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    public static string PythonWithBoto3OrSkip() =>
        FindPythonWithBoto3() ?? Skip("no Python with boto3 (install python3-boto3; ./test.sh does)");

    public static string AwsCliOrSkip() => FindOnPath("aws") ?? Skip("no AWS CLI on PATH (install awscli; ./test.sh does)");

    /// <summary>Runs a program with an argument list and these credentials for AWS clients; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, string accessKey, string secretKey, IEnumerable<string> arguments,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["AWS_ACCESS_KEY_ID"] = accessKey;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = secretKey;
        info.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        info.Environment["AWS_PAGER"] = "";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Skip(string reason)
    {
        Assert.Skip(reason);
        return "";
    }
}
