using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Vision.Tests;

public sealed class VisionOptionsTests
{
    [Fact]
    public void Configuration_is_bound_from_the_vision_section()
    {
        using var services = Services(("Vision:MatchThreshold", "0.45"), ("Vision:Decode:MaxPixels", "1000000"), ("Vision:Onnx:IntraOpThreads", "1"),
            ("Vision:Enrolment:MinFaceSize", "0"), ("Vision:MirrorAveragedDescriptors", "false"));

        var options = services.GetRequiredService<IOptions<VisionOptions>>().Value;

        Assert.Equal(0.45f, options.MatchThreshold);
        Assert.Equal(0, options.Enrolment.MinFaceSize);
        Assert.False(options.MirrorAveragedDescriptors);
        Assert.Equal(1_000_000, options.Decode.MaxPixels);
        Assert.Equal(1, options.Onnx.IntraOpThreads);
    }

    [Theory]
    [InlineData("Vision:MinConfidence", "1.5", "Vision:MinConfidence")]
    [InlineData("Vision:Decode:MaxPixels", "0", "Vision:Decode:MaxPixels")]
    [InlineData("Vision:Onnx:IntraOpThreads", "-1", "Vision:Onnx:IntraOpThreads")]
    [InlineData("Vision:Enrolment:MaxTurn", "2", "Vision:Enrolment:MaxTurn")]
    [InlineData("Vision:Enrolment:MinSharpness", "-1", "Vision:Enrolment:MinSharpness")]
    [InlineData("Vision:ModelDirectory", "/no/such/folder", "ssd_mobilenetv1.onnx does not exist")]
    public void Bad_settings_stop_the_start_naming_the_key(string key, string value, string expected)
    {
        using var services = Services((key, value));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_engine_is_one_shared_instance()
    {
        using var services = Services();

        Assert.Same(services.GetRequiredService<FaceRecognizer>(), services.GetRequiredService<FaceRecognizer>());
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddVision(configuration).BuildServiceProvider();
    }
}
