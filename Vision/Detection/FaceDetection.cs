namespace FaceRecognition.Vision.Detection;

/// <summary>A face found by the detector: its confidence (0..1) and box in picture pixels.</summary>
public sealed record FaceDetection(double Score, FaceBox Box);
