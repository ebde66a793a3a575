using BenchmarkDotNet.Attributes;
using FaceRecognition.Identities;

namespace FaceRecognition.VisionBench;

/// <summary>Identify one descriptor against a gallery of 1,000 and 100,000 enrolled faces (10 faces per identity).</summary>
public class GalleryBenchmarks
{
    private Gallery _gallery = null!;
    private float[] _probe = null!;

    [Params(1_000, 100_000)]
    public int Faces { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        float[] Descriptor() => [.. Enumerable.Range(0, Gallery.Dimension).Select(_ => (float)((random.NextDouble() - 0.5) * 0.2))];
        _gallery = new Gallery();
        for (var identity = 0; identity < Faces / 10; identity++)
        {
            _gallery.Enroll($"person{identity}", Enumerable.Range(0, 10).Select(_ => Descriptor()));
        }
        _probe = Descriptor();
    }

    [Benchmark(Description = "gallery: identify, top 5")]
    public GalleryMatch Identify() => _gallery.Identify(_probe, 0.5f, topK: 5);
}
