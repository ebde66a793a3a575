using System.Text;
using FaceRecognition.Identities;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Tests.Support;
using SkiaSharp;

namespace FaceRecognition.Vision.Tests;

/// <summary>Inputs a careless or hostile client sends: each gets a typed error or a correct result, never a crash.</summary>
public sealed class HostileImageTests(RecognizerFixture engine)
{
    private static readonly SKColor s_red = new(255, 0, 0);
    private static readonly SKColor s_blue = new(0, 0, 255);

    [Fact]
    public void Zero_bytes_are_rejected_as_empty() =>
        AssertRejected([], ImageRejection.Empty, "empty");

    [Fact]
    public void Text_named_jpg_is_not_a_picture() =>
        AssertRejected(Encoding.UTF8.GetBytes("this is not a picture, whatever its name says"), ImageRejection.NotAnImage, "not a picture");

    [Fact]
    public void A_truncated_jpeg_is_rejected_as_corrupt()
    {
        var jpeg = TestImages.Encode(64, 48, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 5), 90), SKEncodedImageFormat.Jpeg);
        AssertRejected(jpeg[..(jpeg.Length / 2)], ImageRejection.Corrupt, "truncated");
    }

    [Theory]
    [InlineData(50_000, 50_000)]
    [InlineData(20_000, 20_000)]
    public void A_decompression_bomb_is_refused_from_its_header(int width, int height)
    {
        // This thread only: other tests run in parallel and allocate meanwhile.
        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(TestImages.PngHeaderClaiming(width, height), ImageRejection.TooManyPixels, "pixels");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000_000, $"refusing the header allocated {allocated:N0} bytes");
    }

    [Fact]
    public void More_bytes_than_the_limit_are_refused_before_decoding()
    {
        var png = TestImages.Encode(32, 32, (_, _) => s_red);
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(png, new DecodeLimits { MaxBytes = png.Length - 1 }));
        Assert.Equal(ImageRejection.TooManyBytes, error.Reason);
    }

    [Fact]
    public void An_animated_gif_is_refused_naming_the_accepted_formats()
    {
        var error = Assert.Throws<ImageRejectedException>(() => TestImages.Decode(TestImages.AnimatedGif()));
        Assert.Equal(ImageRejection.UnsupportedFormat, error.Reason);
        Assert.Contains("JPEG, PNG, WebP or BMP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cmyk_jpeg_decodes_to_the_right_colours()
    {
        var image = TestImages.Decode(File.ReadAllBytes(TestData.Fixtures("hostile", "cmyk.jpg")));
        Assert.Equal((24, 16), (image.Width, image.Height));
        AssertColour(image, 3, 8, s_red);
        AssertColour(image, 20, 8, s_blue);
    }

    [Fact]
    public void A_grayscale_jpeg_decodes_to_equal_channels()
    {
        var jpeg = TestImages.Encode(16, 16, (x, _) => new SKColor((byte)(x * 16), (byte)(x * 16), (byte)(x * 16)),
            SKEncodedImageFormat.Jpeg, SKColorType.Gray8);
        var image = TestImages.Decode(jpeg);
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            Assert.Equal(image.Pixels[i], image.Pixels[i + 1]);
            Assert.Equal(image.Pixels[i], image.Pixels[i + 2]);
        }
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void A_one_pixel_picture_is_answered_unknown_with_no_face(SKEncodedImageFormat format)
    {
        var result = engine.Recognizer.Recognize(TestImages.Encode(1, 1, (_, _) => s_red, format), new Gallery());
        Assert.Equal((1, 1), (result.Width, result.Height));
        Assert.Equal(IdentityName.Unknown, result.Answer);
        Assert.Equal(AnswerKind.NoFace, result.Kind);
    }

    [Theory]
    [InlineData(6, 20, 40)]
    [InlineData(8, 20, 40)]
    [InlineData(3, 40, 20)]
    public void Exif_orientation_turns_the_picture_upright(ushort orientation, int width, int height)
    {
        // Stored 40x20: left half red, right half blue.
        var jpeg = TestImages.Encode(40, 20, (x, _) => x < 20 ? s_red : s_blue, SKEncodedImageFormat.Jpeg);
        var image = TestImages.Decode(TestImages.WithExifOrientation(jpeg, orientation));

        Assert.Equal((width, height), (image.Width, image.Height));
        switch (orientation)
        {
            case 6: // rotate 90 clockwise: the stored left edge becomes the top
                AssertColour(image, 10, 5, s_red);
                AssertColour(image, 10, 35, s_blue);
                break;
            case 8: // rotate 90 counter-clockwise: the stored left edge becomes the bottom
                AssertColour(image, 10, 35, s_red);
                AssertColour(image, 10, 5, s_blue);
                break;
            case 3: // rotate 180: left and right swap
                AssertColour(image, 5, 10, s_blue);
                AssertColour(image, 35, 10, s_red);
                break;
        }
    }

    [Fact]
    public void A_photo_stored_sideways_with_exif_gives_the_same_faces_as_upright()
    {
        var upright = File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg"));
        var sideways = TestImages.WithExifOrientation(TestImages.Transform(upright, TestImages.RotateCounterClockwise), 6);

        var expected = engine.Recognizer.Analyze(engine.Recognizer.Decode(upright));
        var actual = engine.Recognizer.Analyze(engine.Recognizer.Decode(sideways));

        Assert.Equal(expected.Count, actual.Count);
        foreach (var face in expected)
        {
            var same = actual.MinBy(f => Math.Abs(f.Box.X - face.Box.X) + Math.Abs(f.Box.Y - face.Box.Y))!;
            Assert.InRange(Math.Abs(same.Box.X - face.Box.X), 0, 8);
            Assert.InRange(Math.Abs(same.Box.Y - face.Box.Y), 0, 8);
        }
    }

    private static void AssertRejected(byte[] bytes, ImageRejection reason, string messagePart)
    {
        var error = Assert.Throws<ImageRejectedException>(() => TestImages.Decode(bytes));
        Assert.Equal(reason, error.Reason);
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertColour(RgbImage image, int x, int y, SKColor expected)
    {
        var i = ((y * image.Width) + x) * 3;
        var (r, g, b) = (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
        Assert.True(Math.Abs(r - expected.Red) < 40 && Math.Abs(g - expected.Green) < 40 && Math.Abs(b - expected.Blue) < 40,
            $"pixel ({x},{y}) is ({r},{g},{b}), expected about ({expected.Red},{expected.Green},{expected.Blue})");
    }
}
