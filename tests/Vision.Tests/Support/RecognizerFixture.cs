using Microsoft.Extensions.Options;

[assembly: AssemblyFixture(typeof(FaceRecognition.Vision.Tests.Support.RecognizerFixture))]

namespace FaceRecognition.Vision.Tests.Support;

/// <summary>The engines for the whole test assembly: the models load once, as in a service.</summary>
public sealed class RecognizerFixture : IDisposable
{
    /// <summary>The engine with its defaults, as the services run it.</summary>
    public FaceRecognizer Recognizer { get; } = new(Options.Create(new VisionOptions()));

    /// <summary>Configured as face-api runs (confidence 0.5, no small-picture canvas, plain descriptors), for the parity tests.</summary>
    public FaceRecognizer FaceApiSettings { get; } = new(Options.Create(new VisionOptions
    {
        MinConfidence = 0.5f,
        SmallImageSide = 0,
        MirrorAveragedDescriptors = false,
    }));

    public void Dispose()
    {
        Recognizer.Dispose();
        FaceApiSettings.Dispose();
    }
}
