using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.Vision.Quality;

/// <summary>
/// How trustworthy a face's descriptor is, by three measures taken from what the engine already computed.
/// </summary>
/// <param name="Size">Side of the aligned square the descriptor was computed from, in picture pixels.</param>
/// <param name="Sharpness">
/// Variance of the Laplacian of the aligned face in grey levels, at <see cref="SharpnessSide"/> pixels (so that a small
/// face scaled up and a large blurred one both score low).
/// </param>
/// <param name="Turn">
/// How far the head is turned sideways: 0 looking at the camera, 1 in profile; from where the nose tip lies between the
/// two ends of the jaw line (68-point landmarks 0, 16 and 30).
/// </param>
public readonly record struct FaceQuality(double Size, double Sharpness, double Turn)
{
    public const int SharpnessSide = 112;

    public static FaceQuality Of(RgbImage image, AnalyzedFace face) =>
        new(face.AlignedBox.Width, SharpnessOf(image, face.AlignedBox), TurnOf(face.Landmarks));

    internal static double TurnOf(IReadOnlyList<FacePoint> landmarks)
    {
        var (left, right, nose) = (landmarks[0].X, landmarks[16].X, landmarks[30].X);
        var width = right - left;
        if (width <= 0)
        {
            return 1;
        }
        return Math.Clamp(Math.Abs((nose - left) / width - 0.5) * 2, 0, 1);
    }

    internal static double SharpnessOf(RgbImage image, FaceBox alignedBox)
    {
        const int side = SharpnessSide;
        var rgb = new float[3 * side * side];
        var crop = alignedBox.ClipToImage(image.Width, image.Height);
        if (crop.Width <= 0 || crop.Height <= 0)
        {
            return 0;
        }
        NetInputWriter.Write(image, crop, side, centred: true, rgb);
        var grey = new float[side * side];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = 0.299f * rgb[i] + 0.587f * rgb[side * side + i] + 0.114f * rgb[2 * side * side + i];
        }

        // The 4-neighbour Laplacian over the inner pixels; its variance is high where edges are crisp.
        double sum = 0, sumOfSquares = 0;
        var count = 0;
        for (var y = 1; y < side - 1; y++)
        {
            for (var x = 1; x < side - 1; x++)
            {
                var i = y * side + x;
                double laplacian = grey[i - 1] + grey[i + 1] + grey[i - side] + grey[i + side] - 4 * grey[i];
                sum += laplacian;
                sumOfSquares += laplacian * laplacian;
                count++;
            }
        }
        var mean = sum / count;
        return sumOfSquares / count - mean * mean;
    }
}
