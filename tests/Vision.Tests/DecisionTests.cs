using System.Numerics.Tensors;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Quality;
using FaceRecognition.Vision.Tests.Support;
using SkiaSharp;

namespace FaceRecognition.Vision.Tests;

/// <summary>Verification of two faces, mirror-averaged descriptors, and what enrolment accepts.</summary>
public sealed class DecisionTests(RecognizerFixture engine)
{
    private FaceRecognizer Recognizer => engine.Recognizer;

    [Fact]
    public void Two_crops_of_one_face_are_the_same_person_and_two_people_are_not()
    {
        var photo = Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg")));
        var people = Recognizer.Analyze(photo).OrderBy(f => f.Box.X).ToArray();
        var tight = OnlyFace(TestImages.Crop(photo, people[0].Box, margin: 0.15));
        var wide = OnlyFace(TestImages.Crop(photo, people[0].Box, margin: 0.6));
        var other = OnlyFace(TestImages.Crop(photo, people[1].Box, margin: 0.3));

        var same = Recognizer.Verify(tight, wide);
        var different = Recognizer.Verify(tight, other);

        Assert.True(same.SamePerson, $"distance {same.Distance}");
        Assert.False(different.SamePerson, $"distance {different.Distance}");
        Assert.Equal(Recognizer.Options.MatchThreshold, same.Threshold);
        Assert.False(Recognizer.Verify(tight, wide, threshold: same.Distance / 2).SamePerson);
    }

    [Fact]
    public void A_mirrored_picture_gives_almost_the_descriptor_of_the_original_when_descriptors_are_mirror_averaged()
    {
        var photo = Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg")));
        var crop = TestImages.Crop(photo, Recognizer.Analyze(photo).MaxBy(f => f.Box.Area)!.Box, margin: 0.3);
        var mirrored = Mirror(crop);

        var averaged = Distance(Recognizer, crop, mirrored);
        var plain = Distance(engine.FaceApiSettings, crop, mirrored);

        // Face and mirror are the same person; averaging the two makes the descriptor nearly blind to the flip.
        TestContext.Current.SendDiagnosticMessage($"original vs mirror: {plain:F3} plain, {averaged:F3} mirror-averaged");
        Assert.True(averaged < plain / 2, $"mirror-averaged {averaged:F3} vs plain {plain:F3}");
    }

    [Fact]
    public void One_clear_face_is_accepted_for_enrolment_with_its_quality()
    {
        var photo = Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg")));
        var crop = TestImages.Crop(photo, Recognizer.Analyze(photo).MaxBy(f => f.Box.Area)!.Box, margin: 0.3);

        var check = Recognizer.CheckForEnrolment(crop);

        Assert.True(check.Accepted, check.Problem);
        var quality = check.Quality!.Value;
        Assert.True(quality.Size >= Recognizer.Options.Enrolment.MinFaceSize, $"size {quality.Size}");
        Assert.True(quality.Sharpness >= Recognizer.Options.Enrolment.MinSharpness, $"sharpness {quality.Sharpness}");
        Assert.InRange(quality.Turn, 0, Recognizer.Options.Enrolment.MaxTurn);
    }

    [Fact]
    public void A_group_photo_and_a_picture_without_a_face_are_refused_for_enrolment_saying_why()
    {
        var group = Recognizer.CheckForEnrolment(Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg"))));
        var blank = Recognizer.CheckForEnrolment(TestImages.Decode(TestImages.Encode(200, 200, (_, _) => SKColors.SkyBlue)));

        Assert.Equal("3 faces found; use pictures of this person alone", group.Problem);
        Assert.Equal("no face found", blank.Problem);
    }

    [Fact]
    public void A_face_too_small_for_a_trustworthy_descriptor_is_refused_for_enrolment()
    {
        var photo = Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg")));
        var crop = TestImages.Crop(photo, Recognizer.Analyze(photo).MaxBy(f => f.Box.Area)!.Box, margin: 0.15);
        var small = TestImages.Decode(TestImages.Transform(TestImages.Encode(crop), b => b.Resize(new SKImageInfo(56, 56), new SKSamplingOptions(SKCubicResampler.Mitchell))));

        var check = Recognizer.CheckForEnrolment(small);

        Assert.NotNull(check.Face);
        Assert.StartsWith("face too small:", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blurred_face_is_refused_for_enrolment()
    {
        // The middle face of the photo: the other two, blurred this much, are no longer found at all.
        var photo = Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg")));
        var face = Recognizer.Analyze(photo).OrderBy(f => f.Box.X).ElementAt(1);
        var crop = TestImages.Crop(photo, face.Box, margin: 0.3);
        var sharp = Recognizer.CheckForEnrolment(crop);
        // As bench/Recognition blurs: the face scaled to 150 px across, then a Gaussian blur of 1.75 px.
        var scale = 150 / face.AlignedBox.Width;
        var blurred = TestImages.Decode(TestImages.Transform(TestImages.Encode(crop), b =>
        {
            using var scaled = b.Resize(new SKImageInfo((int)(b.Width * scale), (int)(b.Height * scale)), new SKSamplingOptions(SKCubicResampler.Mitchell));
            return Blur(scaled, sigma: 1.75f);
        }));

        var check = Recognizer.CheckForEnrolment(blurred);

        Assert.True(sharp.Accepted, sharp.Problem);
        Assert.NotNull(check.Face);
        Assert.StartsWith("face too blurred:", check.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(40, 500, 0.1, "face too small: 40 px across, at least 62 needed")]
    [InlineData(200, 12.5, 0.1, "face too blurred: sharpness 12.5, at least 60 needed")]
    [InlineData(200, 500, 0.9, "face turned too far from the camera: 0.90 (0 facing it, 1 in profile), at most 0.75 accepted")]
    [InlineData(200, 500, 0.75, null)]
    public void Each_limit_refuses_with_its_own_reason(double size, double sharpness, double turn, string? problem)
    {
        var face = new AnalyzedFace(0.99, new FaceBox(0, 0, size, size), [], new FaceBox(0, 0, size, size), new float[128]);

        var check = EnrolmentCheck.Judge([face], _ => new FaceQuality(size, sharpness, turn), new EnrolmentOptions());

        Assert.Equal(problem, check.Problem);
    }

    [Fact]
    public void Turn_reads_where_the_nose_lies_between_the_ends_of_the_jaw()
    {
        static FacePoint[] Landmarks(double noseX)
        {
            var points = new FacePoint[68];
            points[0] = new FacePoint(100, 200);
            points[16] = new FacePoint(300, 200);
            points[30] = new FacePoint(noseX, 210);
            return points;
        }

        Assert.Equal(0, FaceQuality.TurnOf(Landmarks(200)), 6);
        Assert.Equal(0.5, FaceQuality.TurnOf(Landmarks(250)), 6);
        Assert.Equal(0.5, FaceQuality.TurnOf(Landmarks(150)), 6);
        Assert.Equal(1, FaceQuality.TurnOf(Landmarks(310)), 6);
    }

    private AnalyzedFace OnlyFace(RgbImage image) => Assert.Single(Recognizer.Analyze(image));

    private static float Distance(FaceRecognizer recognizer, RgbImage a, RgbImage b) =>
        TensorPrimitives.Distance(Assert.Single(recognizer.Analyze(a)).Descriptor, Assert.Single(recognizer.Analyze(b)).Descriptor);

    private static RgbImage Mirror(RgbImage image)
    {
        var pixels = new byte[image.Pixels.Length];
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image.Pixels.AsSpan(((y * image.Width) + x) * 3, 3).CopyTo(pixels.AsSpan(((y * image.Width) + (image.Width - 1 - x)) * 3));
            }
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }

    private static SKBitmap Blur(SKBitmap bitmap, float sigma)
    {
        var blurred = new SKBitmap(bitmap.Width, bitmap.Height);
        using var canvas = new SKCanvas(blurred);
        using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp) };
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
        return blurred;
    }
}
