using BenchmarkDotNet.Attributes;
using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;
using Microsoft.Extensions.Options;

namespace FaceRecognition.VisionBench;

/// <summary>Each stage and the whole pipeline, on the 1080p frame and the 64x64 crop, with 1 and 2 ONNX threads.</summary>
public class EngineBenchmarks
{
    private FaceRecognizer _engine = null!;
    private byte[] _frameJpeg = null!;
    private RgbImage _frame = null!;
    private RgbImage _crop = null!;
    private FaceBox[] _frameFaces = null!;
    private FaceBox[] _frameAligned = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new FaceRecognizer(Options.Create(new VisionOptions { Onnx = new OnnxSessionOptions { IntraOpThreads = Threads } }));
        _frameJpeg = File.ReadAllBytes(BenchInputs.Frame1080);
        _frame = _engine.Decode(_frameJpeg);
        _crop = _engine.Decode(File.ReadAllBytes(BenchInputs.Crop64));
        var faces = _engine.Analyze(_frame);
        _frameFaces = [.. faces.Select(f => f.Box)];
        _frameAligned = [.. faces.Select(f => f.AlignedBox)];
        if (faces.Count != 1 || _engine.Analyze(_crop).Count != 1)
        {
            throw new InvalidOperationException("The benchmark pictures must show exactly one face each.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark(Description = "1080p: decode JPEG")]
    public RgbImage Decode1080() => _engine.Decode(_frameJpeg);

    [Benchmark(Description = "1080p: detection")]
    public object Detect1080() => _engine.Detect(_frame);

    [Benchmark(Description = "1080p: landmarks (1 face)")]
    public object Landmarks1080() => _engine.Landmarks.Detect(_frame, _frameFaces);

    [Benchmark(Description = "1080p: descriptor (1 face)")]
    public object Descriptor1080() => _engine.Descriptors.Extract(_frame, _frameAligned, _engine.Options.MirrorAveragedDescriptors);

    [Benchmark(Description = "1080p: whole pipeline")]
    public object Pipeline1080() => _engine.Analyze(_frame);

    [Benchmark(Description = "1080p: whole pipeline from JPEG bytes")]
    public object PipelineFromJpeg1080() => _engine.Analyze(_engine.Decode(_frameJpeg));

    [Benchmark(Description = "64x64: whole pipeline")]
    public object Pipeline64() => _engine.Analyze(_crop);
}
