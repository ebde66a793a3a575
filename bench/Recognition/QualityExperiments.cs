using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Quality;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FaceRecognition.RecognitionBench;

/// <summary>
/// A face measured for quality, with <see cref="Drift"/>: how far its descriptor moved from the undegraded photo's
/// (0 for real faces), and <see cref="Decides"/>: for a real face, whether it was identified right (its own identity
/// accepted, nobody else when it is left out).
/// </summary>
internal sealed record QualitySample(string Experiment, string Picture, double Level, FaceQuality? Quality, double Drift, bool Decides);

/// <summary>
/// Degrades the deepface photos step by step (smaller, then blurred) and records each face's quality measures beside
/// how far its descriptor moved; also measures the real faces of every set and whether they were identified right.
/// The enrolment limits are read from these samples (EnrolmentLimits).
/// </summary>
internal static class QualityExperiments
{
    public static readonly double[] FaceSizes = [12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96];
    public static readonly double[] BlurSigmas = [0, 1, 1.5, 2, 2.5, 3, 4, 5, 6];

    /// <summary>Side, in pixels, the face is scaled to before it is blurred, so that a blur means the same to every photo.</summary>
    public const double BlurFaceSize = 150;

    public static List<QualitySample> Run(LabelledSets sets)
    {
        using var engine = new FaceRecognizer(Options.Create(new VisionOptions()));
        var threshold = engine.Options.MatchThreshold;
        var samples = new List<QualitySample>();
        var people = sets.Photos.Select(p => (p.Path, p.Person)).ToArray();
        var descriptors = new Dictionary<string, float[]?>();
        foreach (var photo in sets.Photos)
        {
            using var original = SKBitmap.Decode(photo.Path);
            var image = engine.Decode(File.ReadAllBytes(photo.Path));
            var face = engine.AnswerFace(engine.Analyze(image))!;
            descriptors[photo.Path] = face.Descriptor;
            samples.Add(new QualitySample("real photo", Path.GetFileName(photo.Path), 0, FaceQuality.Of(image, face), 0, true));
            foreach (var size in FaceSizes.Where(s => s < face.AlignedBox.Width))
            {
                using var smaller = Scaled(original, size / face.AlignedBox.Width);
                samples.Add(Measure("size", photo.Path, size, smaller, face.Descriptor));
            }
            using var normalised = Scaled(original, Math.Min(1, BlurFaceSize / face.AlignedBox.Width));
            foreach (var sigma in BlurSigmas)
            {
                using var blurred = Blurred(normalised, sigma);
                samples.Add(Measure("blur", photo.Path, sigma, blurred, face.Descriptor));
            }
        }
        var frames = sets.Frames.ToDictionary(f => f.Path, f =>
        {
            var image = engine.Decode(File.ReadAllBytes(f.Path));
            return engine.AnswerFace(engine.Analyze(image)) is { } face ? (Face: face, Quality: (FaceQuality?)FaceQuality.Of(image, face)) : (null, null);
        });
        foreach (var frame in sets.Frames.Where(f => !f.Enrols && frames[f.Path].Face is not null))
        {
            var gallery = sets.Frames.Where(f => f.Enrols && frames[f.Path].Face is not null).Select(f => new Enrolled(f.Person, frames[f.Path].Face!.Descriptor)).ToArray();
            var rule = new DecisionRule(MatchRule.Mean, threshold);
            var descriptor = frames[frame.Path].Face!.Descriptor;
            var right = Identification.Decide(gallery, descriptor, rule).Person == frame.Person &&
                Identification.Decide([.. gallery.Where(g => g.Person != frame.Person)], descriptor, rule).Person is null;
            samples.Add(new QualitySample("real frame", Path.GetFileName(frame.Path), 0, frames[frame.Path].Quality, 0, right));
        }
        return [.. samples.Select(s => s.Experiment != "real photo" ? s : s with { Decides = PhotoIdentified(s) })];

        QualitySample Measure(string experiment, string photo, double level, SKBitmap bitmap, float[] undegraded)
        {
            var degraded = ToRgb(bitmap);
            var found = engine.AnswerFace(engine.Analyze(degraded));
            return found is null
                ? new QualitySample(experiment, Path.GetFileName(photo), level, null, double.PositiveInfinity, false)
                : new QualitySample(experiment, Path.GetFileName(photo), level, FaceQuality.Of(degraded, found),
                    engine.Verify(found, found with { Descriptor = undegraded }).Distance, false);
        }

        bool PhotoIdentified(QualitySample sample)
        {
            var (path, person) = people.First(p => Path.GetFileName(p.Path) == sample.Picture);
            var gallery = people.Where(p => p.Path != path).Select(p => new Enrolled(p.Person, descriptors[p.Path]!)).ToArray();
            var rule = new DecisionRule(MatchRule.Mean, threshold);
            return Identification.Decide(gallery, descriptors[path]!, rule).Person == person &&
                Identification.Decide([.. gallery.Where(g => g.Person != person)], descriptors[path]!, rule).Person is null;
        }
    }

    private static SKBitmap Scaled(SKBitmap bitmap, double scale) => bitmap.Resize(
        new SKImageInfo(Math.Max(1, (int)Math.Round(bitmap.Width * scale)), Math.Max(1, (int)Math.Round(bitmap.Height * scale))),
        new SKSamplingOptions(SKCubicResampler.Mitchell));

    private static SKBitmap Blurred(SKBitmap bitmap, double sigma)
    {
        var blurred = new SKBitmap(bitmap.Width, bitmap.Height);
        using var canvas = new SKCanvas(blurred);
        using var paint = new SKPaint { ImageFilter = sigma > 0 ? SKImageFilter.CreateBlur((float)sigma, (float)sigma, SKShaderTileMode.Clamp) : null };
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
        return blurred;
    }

    private static RgbImage ToRgb(SKBitmap bitmap)
    {
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        var source = rgba.GetPixelSpan();
        var pixels = new byte[bitmap.Width * bitmap.Height * 3];
        for (int i = 0, j = 0; i < pixels.Length; i += 3, j += 4)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (source[j], source[j + 1], source[j + 2]);
        }
        return new RgbImage(bitmap.Width, bitmap.Height, pixels);
    }
}
