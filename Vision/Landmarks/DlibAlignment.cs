namespace FaceRecognition.Vision.Landmarks;

/// <summary>
/// dlib-style face alignment as face-api does it: a square from the eye and mouth centres, sized from the
/// eye-to-mouth distance, that the descriptor net sees.
/// </summary>
internal static class DlibAlignment
{
    private const double RelativeX = 0.5;
    private const double RelativeY = 0.43;
    private const double RelativeScale = 0.45;

    /// <param name="points">68 landmarks in picture pixels.</param>
    /// <param name="cropWidth">Width of the crop the landmarks came from (face-api's imageDims).</param>
    /// <param name="cropHeight">Height of that crop.</param>
    public static FaceBox Align(FacePoint[] points, int cropWidth, int cropHeight)
    {
        var leftEye = Centre(points.AsSpan(36, 6));
        var rightEye = Centre(points.AsSpan(42, 6));
        var mouth = Centre(points.AsSpan(48, 20));
        double DistanceToMouth(FacePoint p) => Math.Sqrt(Math.Pow(mouth.X - p.X, 2) + Math.Pow(mouth.Y - p.Y, 2));

        var eyeToMouth = (DistanceToMouth(leftEye) + DistanceToMouth(rightEye)) / 2;
        var size = Math.Floor(eyeToMouth / RelativeScale);
        var reference = Centre([leftEye, rightEye, mouth]);
        var x = Math.Floor(Math.Max(0, reference.X - (RelativeX * size)));
        var y = Math.Floor(Math.Max(0, reference.Y - (RelativeY * size)));
        return new FaceBox(x, y, Math.Min(size, cropWidth + x), Math.Min(size, cropHeight + y));
    }

    private static FacePoint Centre(ReadOnlySpan<FacePoint> points)
    {
        double x = 0, y = 0;
        foreach (var p in points)
        {
            x += p.X;
            y += p.Y;
        }
        return new FacePoint(x / points.Length, y / points.Length);
    }
}
