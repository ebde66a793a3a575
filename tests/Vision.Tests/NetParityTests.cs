using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;
using FaceRecognition.Vision.Tests.Support;

namespace FaceRecognition.Vision.Tests;

/// <summary>
/// Each converted network against face-api (TensorFlow.js, wasm) on the very same input tensor: the fixture stores the
/// exact input (a lossless PNG at the network's size) and what face-api's network returned for it.
/// </summary>
public sealed class NetParityTests(RecognizerFixture engine)
{
    public static TheoryData<string> StemsWithNets() =>
        [.. FaceApiFixture.Stems().Where(s => FaceApiFixture.Load(s).Nets is not null)];

    [Theory]
    [MemberData(nameof(StemsWithNets))]
    public void Descriptor_net_matches_face_api_within_1e_5(string stem)
    {
        var nets = FaceApiFixture.Load(stem).Nets!;
        var output = Run(engine.FaceApiSettings.Models.Descriptor, nets.Descriptor.Input)[0];

        var difference = MaxAbsoluteDifference(output, nets.Descriptor.Output);
        TestContext.Current.SendDiagnosticMessage($"{stem} descriptor: max |ours - face-api| = {difference:E2}");
        Assert.True(difference <= 1e-5, $"descriptor differs by {difference:E2}");
    }

    [Theory]
    [MemberData(nameof(StemsWithNets))]
    public void Landmark_net_matches_face_api(string stem)
    {
        var nets = FaceApiFixture.Load(stem).Nets!;
        var output = Run(engine.FaceApiSettings.Models.Landmarks, nets.Landmarks.Input)[0];

        // Outputs are relative to the 112 input; 1e-5 of it is a thousandth of a pixel there.
        var difference = MaxAbsoluteDifference(output, nets.Landmarks.Output);
        TestContext.Current.SendDiagnosticMessage($"{stem} landmarks: max |ours - face-api| = {difference:E2}");
        Assert.True(difference <= 1e-5, $"landmarks differ by {difference:E2}");
    }

    [Theory]
    [MemberData(nameof(StemsWithNets))]
    public void Detector_net_matches_face_api_within_a_thousandth_of_an_input_pixel(string stem)
    {
        var fixture = FaceApiFixture.Load(stem);
        var outputs = Run(engine.FaceApiSettings.Models.Detector, fixture.Nets!.Ssd.Input);
        var (boxes, scores) = (outputs[0], outputs[1]);
        var side = Math.Max(fixture.Width, fixture.Height);

        double worstBox = 0, worstScore = 0;
        foreach (var anchor in fixture.Nets.Ssd.Anchors)
        {
            for (var k = 0; k < 4; k++)
            {
                worstBox = Math.Max(worstBox, Math.Abs(boxes[(anchor.Index * 4) + k] - anchor.Box[k]) * 512);
            }
            worstScore = Math.Max(worstScore, Math.Abs(scores[anchor.Index] - anchor.Score));
        }
        // Measured in the network's own 512-pixel input; in the picture's pixels it is side / 512 times more.
        TestContext.Current.SendDiagnosticMessage(
            $"{stem} detector: worst box {worstBox:E2} px at 512 ({worstBox * side / 512:E2} px in the {side}-px picture), worst score {worstScore:E2}");
        Assert.True(worstBox <= 1e-3, $"box differs by {worstBox:E2} px");
        Assert.True(worstScore <= 1e-5, $"score differs by {worstScore:E2}");
    }

    public static TheoryData<int, int, int, bool, string> ResizeChecks()
    {
        var data = new TheoryData<int, int, int, bool, string>();
        using var checks = JsonDocument.Parse(File.ReadAllText(TestData.Fixtures("face-api", "resize-checks.json")));
        foreach (var c in checks.RootElement.EnumerateArray())
        {
            data.Add(c.GetProperty("width").GetInt32(), c.GetProperty("height").GetInt32(), c.GetProperty("size").GetInt32(),
                c.GetProperty("centred").GetBoolean(), c.GetProperty("sha256").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ResizeChecks))]
    public void Padding_and_resize_are_bit_identical_to_tensorflow(int width, int height, int size, bool centred, string sha256)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++)
                {
                    pixels[(((y * width) + x) * 3) + c] = (byte)(((x * 7) + (y * 13) + (c * 101)) % 256);
                }
        var planar = new float[3 * size * size];
        NetInputWriter.Write(new RgbImage(width, height, pixels), new PixelRect(0, 0, width, height), size, centred, planar);

        var interleaved = new float[planar.Length];
        for (var i = 0; i < size * size; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                interleaved[(i * 3) + c] = planar[(c * size * size) + i];
            }
        }
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(interleaved.AsSpan()))));
    }

    internal static float[][] Run(ModelSession model, string inputPng)
    {
        var image = ImageDecoder.Decode(File.ReadAllBytes(TestData.Fixtures("face-api", inputPng)), new DecodeLimits());
        Assert.Equal(model.InputSize, image.Width);
        var input = new float[3 * model.InputSize * model.InputSize];
        NetInputWriter.Write(image, PixelRect.Of(image), model.InputSize, centred: false, input);
        return model.Run(input, 1);
    }

    internal static double MaxAbsoluteDifference(float[] ours, float[] theirs)
    {
        Assert.Equal(theirs.Length, ours.Length);
        return ours.Zip(theirs, (a, b) => Math.Abs((double)a - b)).Max();
    }
}
