using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FaceRecognition.Vision.Tests.Support;

namespace FaceRecognition.Vision.Tests;

/// <summary>The engine's time per network, as the dashboard charts it.</summary>
public sealed class InferenceMetricsTests(RecognizerFixture engine)
{
    [Fact]
    public void Every_network_a_picture_goes_through_records_its_inference_time()
    {
        var recorded = new ConcurrentBag<(string Network, double Milliseconds)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "FaceRecognition.Vision" && instrument.Name == "facerec.inference.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "facerec.network")
                {
                    recorded.Add(((string)tag.Value!, value));
                }
            }
        });
        listener.Start();

        var faces = engine.Recognizer.Analyze(engine.Recognizer.Decode(File.ReadAllBytes(TestData.FaceApiDemo("sample1.jpg"))));

        Assert.NotEmpty(faces);
        var networks = recorded.Select(r => r.Network).ToHashSet();
        Assert.Contains("face_landmark_68", networks);
        Assert.Contains("face_recognition", networks);
        Assert.Contains(networks, n => n.StartsWith("ssd_mobilenetv1", StringComparison.Ordinal));
        Assert.All(recorded, r => Assert.True(r.Milliseconds > 0, $"{r.Network}: {r.Milliseconds} ms"));
    }
}
