using Microsoft.Extensions.Options;

[assembly: AssemblyFixture(typeof(FaceRecognition.Vision.Tests.Support.RecognizerFixture))]

namespace FaceRecognition.Vision.Tests.Support;

/// <summary>One engine for the whole test assembly: the models load once, as in a service.</summary>
public sealed class RecognizerFixture : IDisposable
{
    public FaceRecognizer Recognizer { get; } = new(Options.Create(new VisionOptions()));

    public void Dispose() => Recognizer.Dispose();
}
