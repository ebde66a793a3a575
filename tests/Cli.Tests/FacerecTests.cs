using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FaceRecognition.Cli.Tests;

public sealed class FacerecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("facerec-cli-").FullName;

    [Fact]
    public async Task Enrolled_people_are_identified_in_other_pictures_of_them_and_strangers_are_unknown()
    {
        // Three people from one group photo: enrolled from tight crops, probed with wider crops (other pixels).
        var (people, probes) = (Path.Combine(_folder, "people"), Path.Combine(_folder, "probes"));
        var faces = FacesOf(FacerecProcess.FaceApiDemo("sample1.jpg"));
        string[] names = ["Ann", "Bea", "Cleo"];
        for (var i = 0; i < names.Length; i++)
        {
            SaveCrop(faces.Image, faces.Boxes[i], 0.1, Path.Combine(people, names[i], "face.png"));
            SaveCrop(faces.Image, faces.Boxes[i], 0.5, Path.Combine(probes, $"probe_{names[i]}.png"));
        }
        var stranger = FacesOf(FacerecProcess.FaceApiDemo("sample2.jpg"));
        SaveCrop(stranger.Image, stranger.Boxes[0], 0.3, Path.Combine(probes, "stranger.png"));
        var gallery = Path.Combine(_folder, "people.gallery");

        var enroll = await FacerecProcess.Run("enroll", "--gallery", gallery, people);
        var identify = await FacerecProcess.Run("identify", "--gallery", gallery, probes);

        Assert.True(enroll.ExitCode == 0, enroll.Error);
        Assert.Contains("3 people, 3 faces", enroll.Error, StringComparison.Ordinal);
        Assert.Equal(0, identify.ExitCode);
        Assert.Equal(["probe_Ann:Ann", "probe_Bea:Bea", "probe_Cleo:Cleo", "stranger:Unknown"],
            identify.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Pictures_with_no_face_or_several_faces_are_reported_not_skipped_silently()
    {
        var people = Path.Combine(_folder, "people", "Group");
        Directory.CreateDirectory(people);
        File.Copy(FacerecProcess.FaceApiDemo("sample1.jpg"), Path.Combine(people, "group.jpg"));
        using (var blank = new SKBitmap(200, 200))
        {
            blank.Erase(SKColors.SkyBlue);
            File.WriteAllBytes(Path.Combine(people, "sky.png"), blank.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        }

        var run = await FacerecProcess.Run("enroll", "--gallery", Path.Combine(_folder, "g.gallery"), Path.Combine(_folder, "people"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("group.jpg: 3 faces found", run.Error, StringComparison.Ordinal);
        Assert.Contains("sky.png: no face found", run.Error, StringComparison.Ordinal);
        Assert.Contains("no face was enrolled", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identify_with_json_gives_faces_boxes_and_distances()
    {
        var picture = FacerecProcess.FaceApiDemo("sample1.jpg");
        var people = Path.Combine(_folder, "people");
        var faces = FacesOf(picture);
        SaveCrop(faces.Image, faces.Boxes[0], 0.1, Path.Combine(people, "Ann", "face.png"));
        var gallery = Path.Combine(_folder, "g.gallery");
        Assert.Equal(0, (await FacerecProcess.Run("enroll", "--gallery", gallery, people)).ExitCode);

        var run = await FacerecProcess.Run("identify", "--gallery", gallery, "--json", picture);

        Assert.Equal(0, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("sample1", root.GetProperty("image").GetString());
        Assert.Equal(3, root.GetProperty("faces").GetArrayLength());
        var names = root.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToArray();
        Assert.Equal(1, names.Count(n => n == "Ann"));
        Assert.All(root.GetProperty("faces").EnumerateArray(), f => Assert.True(f.GetProperty("box").GetProperty("width").GetDouble() > 100));
    }

    [Fact]
    public async Task Detect_draws_the_faces_on_a_copy_of_the_picture()
    {
        var picture = FacerecProcess.FaceApiDemo("sample1.jpg");
        var drawn = Path.Combine(_folder, "drawn.png");

        var run = await FacerecProcess.Run("detect", picture, "--draw", drawn);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("3 face(s)", run.Output, StringComparison.Ordinal);
        using var original = SKBitmap.Decode(picture);
        using var result = SKBitmap.Decode(drawn);
        Assert.Equal((original.Width, original.Height), (result.Width, result.Height));
        var box = FacesOf(picture).Boxes[0];
        Assert.Equal(SKColors.Lime, result.GetPixel((int)(box.X + (box.Width / 2)), (int)box.Y));
    }

    [Fact]
    public async Task Verify_says_same_for_two_pictures_of_one_face_and_different_for_two_people()
    {
        var faces = FacesOf(FacerecProcess.FaceApiDemo("sample1.jpg"));
        var (tight, wide, other) = (Path.Combine(_folder, "tight.png"), Path.Combine(_folder, "wide.png"), Path.Combine(_folder, "other.png"));
        SaveCrop(faces.Image, faces.Boxes[0], 0.15, tight);
        SaveCrop(faces.Image, faces.Boxes[0], 0.6, wide);
        SaveCrop(faces.Image, faces.Boxes[1], 0.3, other);

        var same = await FacerecProcess.Run("verify", tight, wide);
        var different = await FacerecProcess.Run("verify", tight, other);
        var json = await FacerecProcess.Run("verify", "--json", tight, other);

        Assert.True(same.ExitCode == 0, same.Error);
        Assert.Matches(@"^same 0\.\d{4}\n$", same.Output);
        Assert.Matches(@"^different [01]\.\d{4}\n$", different.Output);
        Assert.Equal(0, json.ExitCode);
        using var verdict = System.Text.Json.JsonDocument.Parse(json.Output);
        Assert.False(verdict.RootElement.GetProperty("samePerson").GetBoolean());
        Assert.Equal(new VisionOptions().MatchThreshold, verdict.RootElement.GetProperty("threshold").GetDouble(), 4);
        Assert.Equal(double.Parse(different.Output.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture),
            verdict.RootElement.GetProperty("distance").GetDouble(), 4);
    }

    [Fact]
    public async Task Verify_compares_the_main_face_of_a_group_photo_and_says_so()
    {
        var picture = FacerecProcess.FaceApiDemo("sample1.jpg");

        var run = await FacerecProcess.Run("verify", picture, picture);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("same 0.0000\n", run.Output);
        Assert.Contains("sample1.jpg: 3 faces found; comparing the largest confident one.", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identify", "--gallery", "{folder}/missing.gallery", "{folder}", "does not exist")]
    [InlineData("verify", "{folder}/sky.png", "{folder}/sky.png", null, "sky.png: no face found")]
    [InlineData("verify", "{folder}/text.txt", "{folder}/sky.png", null, "not a picture")]
    [InlineData("verify", "{folder}/nothing-here.jpg", "{folder}/sky.png", null, "does not exist")]
    [InlineData("identify", "--gallery", "{folder}/text.txt", "{folder}", "Not a gallery file")]
    [InlineData("detect", "{folder}/text.txt", null, null, "not a picture")]
    [InlineData("detect", "{folder}/nothing-here.jpg", null, null, "does not exist")]
    [InlineData("enroll", "--gallery", "{folder}/g.gallery", "{folder}/no-such-folder", "does not exist")]
    public async Task Bad_input_gives_one_clear_line_and_a_non_zero_exit_code(string command, string a, string? b, string? c, string expected)
    {
        File.WriteAllText(Path.Combine(_folder, "text.txt"), "not a picture");
        using (var blank = new SKBitmap(200, 200))
        {
            blank.Erase(SKColors.SkyBlue);
            File.WriteAllBytes(Path.Combine(_folder, "sky.png"), blank.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        }
        var arguments = new[] { command, a, b, c }.OfType<string>().Select(x => x.Replace("{folder}", _folder, StringComparison.Ordinal)).ToArray();

        var run = await FacerecProcess.Run(arguments);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(" at ", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (RgbImage Image, FaceBox[] Boxes) FacesOf(string picture)
    {
        using var engine = new FaceRecognizer(Options.Create(new VisionOptions()));
        var image = engine.Decode(File.ReadAllBytes(picture));
        return (image, [.. engine.Detect(image).Select(d => d.Box).OrderBy(b => b.X)]);
    }

    private static void SaveCrop(RgbImage image, FaceBox box, double margin, string path)
    {
        var pad = box.Width * margin;
        var (x0, y0) = ((int)Math.Max(0, box.X - pad), (int)Math.Max(0, box.Y - pad));
        var (x1, y1) = ((int)Math.Min(image.Width, box.Right + pad), (int)Math.Min(image.Height, box.Bottom + pad));
        using var bitmap = new SKBitmap(x1 - x0, y1 - y0);
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var i = ((y * image.Width) + x) * 3;
                bitmap.SetPixel(x - x0, y - y0, new SKColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]));
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray());
    }
}
