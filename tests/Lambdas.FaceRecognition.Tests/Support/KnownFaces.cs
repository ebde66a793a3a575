using FaceRecognition.Identities;
using FaceRecognition.Vision;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Lambdas.FaceRecognition.Tests.Support;

/// <summary>The engine, and a gallery in which the main face of face-api's first demo photo is enrolled as "Ann".</summary>
public sealed class KnownFaces : IDisposable
{
    public const string Name = "Ann";

    public KnownFaces()
    {
        Recognizer = new FaceRecognizer(Options.Create(new VisionOptions()));
        PhotoPath = DemoPhoto("sample1.jpg");
        if (PhotoPath is null)
        {
            return;
        }
        var result = Recognizer.Recognize(File.ReadAllBytes(PhotoPath), new Gallery());
        Gallery.Enroll(Name, [result.AnswerFace!.Face.Descriptor]);
    }

    public FaceRecognizer Recognizer { get; }

    public Gallery Gallery { get; } = new();

    /// <summary>The photo Ann is in; skips the test when the face-api demo photos were not fetched.</summary>
    public string Photo => PhotoPath ?? SkipMissing();

    private string? PhotoPath { get; }

    public byte[] GalleryBytes()
    {
        using var file = new MemoryStream();
        Gallery.Save(file);
        return file.ToArray();
    }

    private static string? DemoPhoto(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, ".cache", "face-api", "package", "demo", file);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    private static string SkipMissing()
    {
        Assert.Skip("face-api demo photo sample1.jpg is missing: run scripts/fetch-face-api.sh (./test.sh does).");
        return "";
    }

    public void Dispose() => Recognizer.Dispose();
}
