using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceRecognition.Identities;
using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.Cli;

/// <summary><c>facerec identify --gallery people.gallery picture.jpg|folder</c>: one <c>stem:name</c> line per picture.</summary>
internal static class IdentifyCommand
{
    public static Command Create()
    {
        var gallery = new Option<FileInfo>("--gallery") { Description = "Gallery file made by 'facerec enroll'.", Required = true };
        var json = new Option<bool>("--json") { Description = "One JSON object per picture with every face, its box and distance." };
        var threshold = new Option<float?>("--threshold") { Description = $"Largest descriptor distance that counts as a match (default {new VisionOptions().MatchThreshold})." };
        var input = new Argument<string>("picture-or-folder") { Description = "A picture, or a folder of pictures." };
        var command = new Command("identify", "Say who is in each picture, as '<stem>:<name>' (the web tier's answer format).")
        {
            gallery, json, threshold, input,
        };
        command.SetAction((parse, cancellationToken) => CliConsole.Run(() => Task.FromResult(
            Identify(parse.GetValue(gallery)!, parse.GetValue(input)!, parse.GetValue(json), parse.GetValue(threshold), cancellationToken))));
        return command;
    }

    private static int Identify(FileInfo galleryFile, string input, bool json, float? threshold, CancellationToken cancellationToken)
    {
        if (!galleryFile.Exists)
        {
            return CliConsole.Error($"gallery {galleryFile.FullName} does not exist; create it with 'facerec enroll'.");
        }
        var gallery = Gallery.LoadFromFile(galleryFile.FullName);
        var pictures = CliConsole.Pictures(input);
        using var engine = CliConsole.CreateEngine(threshold);
        var failures = 0;
        foreach (var picture in pictures)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stem = Path.GetFileNameWithoutExtension(picture);
            try
            {
                var result = engine.Recognize(File.ReadAllBytes(picture), gallery);
                Console.Out.WriteLine(json ? JsonSerializer.Serialize(ToJson(stem, result), IdentifyJsonContext.Default.PictureAnswer) : $"{stem}:{result.Answer}");
            }
            catch (ImageRejectedException e)
            {
                failures++;
                Console.Error.WriteLine($"facerec: {picture}: {e.Message}");
            }
        }
        return failures == 0 ? CliConsole.Success : CliConsole.Failure;
    }

    private static PictureAnswer ToJson(string stem, RecognitionResult result) => new(
        stem, result.Answer, result.Kind.ToString(), result.Width, result.Height,
        [.. result.Faces.Select(f => new FaceAnswer(
            f.Name, f.Distance, Math.Round(f.Face.Score, 4),
            new BoxJson(Math.Round(f.Face.Box.X, 1), Math.Round(f.Face.Box.Y, 1), Math.Round(f.Face.Box.Width, 1), Math.Round(f.Face.Box.Height, 1))))],
        Math.Round(result.Timings.TotalMs, 1));
}

internal sealed record PictureAnswer(string Image, string Answer, string Kind, int Width, int Height, FaceAnswer[] Faces, double Milliseconds);

internal sealed record FaceAnswer(string Name, float? Distance, double Score, BoxJson Box);

internal sealed record BoxJson(double X, double Y, double Width, double Height);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PictureAnswer))]
internal sealed partial class IdentifyJsonContext : JsonSerializerContext;
