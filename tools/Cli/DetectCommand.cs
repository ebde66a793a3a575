using System.CommandLine;
using FaceRecognition.Vision.Imaging;
using Spectre.Console;

namespace FaceRecognition.Cli;

/// <summary><c>facerec detect picture.jpg --draw out.png</c>: faces listed, and drawn for people who would rather look.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var picture = new Argument<FileInfo>("picture") { Description = "The picture to look at." };
        var draw = new Option<FileInfo?>("--draw") { Description = "Write a PNG with boxes, scores and landmarks drawn on the picture." };
        var command = new Command("detect", "Find the faces of a picture: boxes, scores, landmarks.") { picture, draw };
        command.SetAction((parse, cancellationToken) => CliConsole.Run(() =>
            Task.FromResult(Detect(parse.GetValue(picture)!, parse.GetValue(draw)))));
        return command;
    }

    private static int Detect(FileInfo picture, FileInfo? draw)
    {
        if (!picture.Exists)
        {
            return CliConsole.Error($"{picture.FullName} does not exist.");
        }
        using var engine = CliConsole.CreateEngine();
        var image = engine.Decode(File.ReadAllBytes(picture.FullName));
        var faces = engine.Analyze(image);

        Console.Out.WriteLine($"{Path.GetFileName(picture.FullName)}: {image.Width}x{image.Height}, {faces.Count} face(s)");
        foreach (var face in faces)
        {
            Console.Out.WriteLine($"  score {face.Score:F3}  box x={face.Box.X:F1} y={face.Box.Y:F1} w={face.Box.Width:F1} h={face.Box.Height:F1}");
        }
        if (draw is not null)
        {
            var full = Path.GetFullPath(draw.FullName);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, FacePictures.Drawn(image, faces, landmarks: true, PictureFormat.Png));
            CliConsole.Messages.MarkupLine($"drawn to {Markup.Escape(draw.FullName)}");
        }
        return CliConsole.Success;
    }
}
