namespace FaceRecognition.Vision.Inference;

/// <summary>The ONNX sessions, loaded once per process and shared by every caller.</summary>
internal sealed class VisionModels : IDisposable
{
    public const string DetectorFile = "ssd_mobilenetv1.onnx";
    public const string SmallDetectorFile = "ssd_mobilenetv1_256.onnx";
    public const string LandmarksFile = "face_landmark_68.onnx";
    public const string DescriptorFile = "face_recognition.onnx";

    public VisionModels(string directory, OnnxSessionOptions options)
    {
        Detector = new ModelSession(Path.Combine(directory, DetectorFile), options);
        SmallDetector = new ModelSession(Path.Combine(directory, SmallDetectorFile), options);
        Landmarks = new ModelSession(Path.Combine(directory, LandmarksFile), options);
        Descriptor = new ModelSession(Path.Combine(directory, DescriptorFile), options);
    }

    public ModelSession Detector { get; }

    /// <summary>The same detector at 256x256, for small pictures on their canvas.</summary>
    public ModelSession SmallDetector { get; }

    public ModelSession Landmarks { get; }

    public ModelSession Descriptor { get; }

    public void Dispose()
    {
        Detector.Dispose();
        SmallDetector.Dispose();
        Landmarks.Dispose();
        Descriptor.Dispose();
    }
}
