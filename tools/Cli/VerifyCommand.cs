using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceRecognition.Vision;

namespace FaceRecognition.Cli;

/// <summary>
/// <c>facerec verify a.jpg b.jpg</c>: whether two pictures show the same person, as <c>same 0.412</c> or
/// <c>different 0.873</c> (the descriptor distance); <c>--json</c> gives distance, samePerson and threshold. Each
/// picture counts with the face its answer would be about (the largest confident face). Exit code 0 either way; 1 when
/// a picture cannot be read or shows no face.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var first = new Argument<FileInfo>("first") { Description = "A picture of a person." };
        var second = new Argument<FileInfo>("second") { Description = "Another picture." };
        var json = new Option<bool>("--json") { Description = "One JSON object: distance, samePerson, threshold." };
        var threshold = new Option<float?>("--threshold") { Description = $"Largest descriptor distance that counts as the same person (default {new VisionOptions().MatchThreshold})." };
        var command = new Command("verify", "Say whether two pictures show the same person, and the distance between their faces.")
        {
            first, second, json, threshold,
        };
        command.SetAction((parse, _) => CliConsole.Run(() => Task.FromResult(
            Verify(parse.GetValue(first)!, parse.GetValue(second)!, parse.GetValue(json), parse.GetValue(threshold)))));
        return command;
    }

    private static int Verify(FileInfo first, FileInfo second, bool json, float? threshold)
    {
        using var engine = CliConsole.CreateEngine(threshold);
        var a = FaceOf(engine, first);
        var b = FaceOf(engine, second);
        if (a is null || b is null)
        {
            return CliConsole.Error($"{(a is null ? first : second).Name}: no face found.");
        }
        var verification = engine.Verify(a, b);
        var distance = Math.Round(verification.Distance, 4);
        Console.Out.WriteLine(json
            ? JsonSerializer.Serialize(new VerificationJson(distance, verification.SamePerson, Math.Round(verification.Threshold, 4)), VerifyJsonContext.Default.VerificationJson)
            : string.Create(CultureInfo.InvariantCulture, $"{(verification.SamePerson ? "same" : "different")} {distance:0.0000}"));
        return CliConsole.Success;
    }

    private static AnalyzedFace? FaceOf(FaceRecognizer engine, FileInfo picture)
    {
        if (!picture.Exists)
        {
            throw new FileNotFoundException($"{picture.FullName} does not exist.");
        }
        var faces = engine.Analyze(engine.Decode(File.ReadAllBytes(picture.FullName)));
        if (faces.Count > 1)
        {
            Console.Error.WriteLine($"facerec: {picture.Name}: {faces.Count} faces found; comparing the largest confident one.");
        }
        return engine.AnswerFace(faces);
    }
}

internal sealed record VerificationJson(double Distance, bool SamePerson, double Threshold);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(VerificationJson))]
internal sealed partial class VerifyJsonContext : JsonSerializerContext;
