using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>What an execution environment was started with: a function's configuration at one revision. An
/// environment keeps it for its life; a changed function gets new environments, as on Lambda.</summary>
internal sealed record FunctionVersion(
    string Name,
    string Arn,
    string RevisionId,
    string Handler,
    TimeSpan Timeout,
    int MemorySize,
    IReadOnlyDictionary<string, string> Variables,
    string CodeDirectory,
    string Role)
{
    public static FunctionVersion Of(FunctionRecord function, string arn, string codeDirectory) => new(
        function.Name, arn, function.RevisionId, function.Handler, TimeSpan.FromSeconds(function.Timeout), function.MemorySize, function.Environment, codeDirectory,
        function.Role);
}
