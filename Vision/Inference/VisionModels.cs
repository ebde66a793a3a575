namespace FaceRecognition.Vision.Inference;

/// <summary>The three ONNX sessions, loaded once per process and shared by every caller.</summary>
internal sealed class VisionModels : IDisposable
{
    public const string DetectorFile = "ssd_mobilenetv1.onnx";
    public const string LandmarksFile = "face_landmark_68.onnx";
    public const string DescriptorFile = "face_recognition.onnx";

    public VisionModels(string directory, OnnxSessionOptions options)
    {
        Detector = new ModelSession(Path.Combine(directory, DetectorFile), options);
        Landmarks = new ModelSession(Path.Combine(directory, LandmarksFile), options);
        Descriptor = new ModelSession(Path.Combine(directory, DescriptorFile), options);
    }

    public ModelSession Detector { get; }

    public ModelSession Landmarks { get; }

    public ModelSession Descriptor { get; }

    public void Dispose()
    {
        Detector.Dispose();
        Landmarks.Dispose();
        Descriptor.Dispose();
    }
}
