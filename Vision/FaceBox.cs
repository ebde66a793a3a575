using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.Vision;

/// <summary>A rectangle in picture pixels (fractional, as the detector reports it).</summary>
public readonly record struct FaceBox(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    public double Area => Width * Height;

    /// <summary>
    /// The whole pixels a crop takes: clipped to the picture, then every coordinate floored, exactly as face-api's
    /// Box.clipAtImageBorders does. Width or height may come out 0 or less for a box outside the picture.
    /// </summary>
    internal PixelRect ClipToImage(int imageWidth, int imageHeight)
    {
        var x = Math.Max(X, 0);
        var y = Math.Max(Y, 0);
        var width = Math.Min(Right - x, imageWidth - x);
        var height = Math.Min(Bottom - y, imageHeight - y);
        return new PixelRect((int)Math.Floor(x), (int)Math.Floor(y), (int)Math.Floor(width), (int)Math.Floor(height));
    }

    /// <summary>
    /// face-api stores a detection relative to the picture and scales it back when it crops
    /// (ObjectDetection.forSize); this repeats that double-precision round trip so crops land on the same pixels.
    /// </summary>
    internal FaceBox ThroughRelative(int imageWidth, int imageHeight)
    {
        double Trip(double value, int size) => value * (1.0 / size) * size;
        return new FaceBox(Trip(X, imageWidth), Trip(Y, imageHeight), Trip(Width, imageWidth), Trip(Height, imageHeight));
    }
}

/// <summary>A point in picture pixels.</summary>
public readonly record struct FacePoint(double X, double Y);
