using System.Diagnostics;
using FaceRecognition.Identities;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Tests.Support;

namespace FaceRecognition.Vision.Tests;

/// <summary>Who is who: the original video workload, the original 64x64 image workload, and the picture's single answer.</summary>
public sealed class RecognitionTests(RecognizerFixture engine)
{
    private FaceRecognizer Recognizer => engine.Recognizer;

    [Fact]
    public void Each_of_the_8_videos_is_recognised_from_its_first_frame_after_enrolling_frames_at_1_second()
    {
        var videos = VideoLabels();
        var gallery = new Gallery();
        foreach (var (video, name) in videos)
        {
            // Enrolled: the frame at t = 1 s. Probed: the first frame (t = 0). Never the same frame.
            gallery.Enroll(name, [LargestFace(Frame(video, seconds: 1.0)).Descriptor]);
        }

        var answers = videos.Select(v => (v.Name, Result: Recognizer.Recognize(Frame(v.Video, seconds: 0), gallery))).ToArray();

        foreach (var (name, result) in answers)
        {
            var distances = string.Join(", ", result.Faces.Select(f => $"{f.Name} {f.Distance:F3} (score {f.Face.Score:F2})"));
            TestContext.Current.SendDiagnosticMessage($"{name}: answered {result.Answer}; faces: {distances}");
        }
        Assert.All(answers, a => Assert.Equal(a.Name, a.Result.Answer));
        Assert.All(answers, a => Assert.Equal(AnswerKind.Matched, a.Result.Kind));
    }

    [Fact]
    public void A_person_who_is_not_enrolled_comes_back_unknown()
    {
        var videos = VideoLabels();
        var enrolled = videos.ToDictionary(v => v.Name, v => LargestFace(Frame(v.Video, seconds: 1.0)).Descriptor);
        var outcomes = new List<(string Absent, string Answer, AnswerKind Kind)>();
        foreach (var (video, absent) in videos)
        {
            var gallery = new Gallery();
            foreach (var (name, descriptor) in enrolled.Where(e => e.Key != absent))
            {
                gallery.Enroll(name, [descriptor]);
            }

            var result = Recognizer.Recognize(Frame(video, seconds: 0), gallery);

            var nearest = result.Faces.Select(f => $"{f.Name} {f.Distance:F3}");
            TestContext.Current.SendDiagnosticMessage($"without {absent}: answered {result.Answer}; faces: {string.Join(", ", nearest)}");
            outcomes.Add((absent, result.Answer, result.Kind));
        }
        Assert.All(outcomes, o => Assert.Equal((o.Absent, IdentityName.Unknown, AnswerKind.NoMatch), o));
    }

    [Fact]
    public void In_the_diesel_video_both_faces_are_found_and_the_answer_is_the_sharp_one_not_the_blurred_foreground()
    {
        var (video, name) = VideoLabels().Single(v => v.Name == "Diesel");
        var gallery = new Gallery();
        gallery.Enroll(name, [LargestFace(Frame(video, seconds: 1.0)).Descriptor]);

        var result = Recognizer.Recognize(Frame(video, seconds: 0), gallery);

        // Frame 0: Diesel (sharp, score ~0.87) and a boy in the blurred foreground whose box is larger (score ~0.60).
        Assert.Equal(2, result.Faces.Count);
        Assert.Equal([name, IdentityName.Unknown], result.Faces.OrderByDescending(f => f.Face.Score).Select(f => f.Name));
        Assert.Equal(name, result.Answer);
    }

    [Fact]
    public void Each_distinct_64x64_workload_picture_has_exactly_one_face()
    {
        var folder = Path.Combine(Path.GetTempPath(), "facerec-asu-faces");
        System.IO.Compression.ZipFile.ExtractToDirectory(Path.Combine(TestData.Dataset("asu-faces"), "face_images_1000.zip"), folder, overwriteFiles: true);
        using var asIs = new FaceRecognizer(Microsoft.Extensions.Options.Options.Create(new VisionOptions { SmallImageSide = 0 }));

        var withCanvas = 0;
        var withoutCanvas = 0;
        for (var i = 0; i < 10; i++)
        {
            var image = Recognizer.Decode(File.ReadAllBytes(Path.Combine(folder, "face_images_1000", $"test_{i:000}.jpg")));
            Assert.Equal((64, 64), (image.Width, image.Height));
            var faces = Recognizer.Analyze(image);
            withCanvas += faces.Count == 1 ? 1 : 0;
            withoutCanvas += asIs.Detect(image).Count == 1 ? 1 : 0;
        }
        TestContext.Current.SendDiagnosticMessage($"64x64 crops with one face found: {withCanvas}/10 on the small-picture canvas (256 detector), {withoutCanvas}/10 as face-api runs it");
        Assert.Equal(10, withCanvas);
    }

    [Fact]
    public void A_face_cropped_to_64x64_is_found_and_keeps_its_identity()
    {
        var photo = Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg")));
        var face = Recognizer.Analyze(photo).MaxBy(f => f.Box.Area)!;
        var gallery = new Gallery();
        gallery.Enroll("Subject", [face.Descriptor]);

        var crop = TestImages.Crop(photo, face.Box, margin: 0.15);
        var small = TestImages.Decode(TestImages.Transform(TestImages.Encode(crop), bitmap => bitmap.Resize(new SkiaSharp.SKImageInfo(64, 64), SkiaSharp.SKSamplingOptions.Default)));
        var result = Recognizer.Recognize(small, gallery);

        Assert.Single(result.Faces);
        Assert.Equal("Subject", result.Answer);
        var box = result.Faces[0].Face.Box;
        Assert.InRange(box.X + (box.Width / 2), 16, 48);
        Assert.InRange(box.Y + (box.Height / 2), 16, 48);
    }

    [Fact]
    public void A_picture_without_a_face_answers_unknown_saying_no_face()
    {
        var blank = TestImages.Decode(TestImages.Encode(320, 240, (x, y) => new SkiaSharp.SKColor((byte)x, (byte)y, 128)));
        var gallery = new Gallery();
        gallery.Enroll("Someone", [new float[Gallery.Dimension]]);

        var result = Recognizer.Recognize(blank, gallery);

        Assert.Empty(result.Faces);
        Assert.Equal((IdentityName.Unknown, AnswerKind.NoFace), (result.Answer, result.Kind));
    }

    [Fact]
    public void All_faces_of_a_group_photo_come_back_with_landmarks_inside_their_boxes()
    {
        var photo = Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample5.jpg")));
        var faces = Recognizer.Analyze(photo);

        Assert.Equal(5, faces.Count);
        foreach (var face in faces)
        {
            Assert.Equal(68, face.Landmarks.Count);
            var inside = face.Landmarks.Count(p => p.X >= face.Box.X - 10 && p.X <= face.Box.Right + 10 && p.Y >= face.Box.Y - 10 && p.Y <= face.Box.Bottom + 10);
            Assert.True(inside >= 60, $"{inside} of 68 landmarks inside the box");
            Assert.InRange(face.Score, 0.5, 1.0);
        }
    }

    private AnalyzedFace LargestFace(RgbImage image) =>
        Recognizer.Analyze(image).MaxBy(f => f.Box.Area) ?? throw new InvalidOperationException("no face in the enrolment frame");

    private static (string Video, string Name)[] VideoLabels()
    {
        var folder = TestData.Dataset("asu-videos");
        return [.. File.ReadAllLines(Path.Combine(folder, "labels.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')).Select(p => (Path.Combine(folder, p[0] + ".mp4"), p[1]))];
    }

    /// <summary>One frame decoded by the real ffmpeg at <paramref name="seconds"/> (accurate seek), as PNG.</summary>
    private static RgbImage Frame(string video, double seconds)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-i", video, "-ss", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var png = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        process.StandardOutput.BaseStream.CopyTo(png);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && png.Length > 0, $"ffmpeg failed on {video}: {error.Result}");
        return TestImages.Decode(png.ToArray());
    }
}
