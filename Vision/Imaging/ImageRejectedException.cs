namespace FaceRecognition.Vision.Imaging;

/// <summary>Why an input could not be used as a picture.</summary>
public enum ImageRejection
{
    /// <summary>No bytes at all.</summary>
    Empty,
    /// <summary>The bytes are not a picture in any format the decoder knows.</summary>
    NotAnImage,
    /// <summary>A picture, but not JPEG, PNG, WebP or BMP.</summary>
    UnsupportedFormat,
    /// <summary>More bytes than the configured limit.</summary>
    TooManyBytes,
    /// <summary>More pixels (by its header) than the configured limit; nothing was decoded.</summary>
    TooManyPixels,
    /// <summary>The data ends or breaks before the picture does.</summary>
    Corrupt,
}

/// <summary>An input that is not a usable picture. The message says what was wrong, for the person who sent it.</summary>
public sealed class ImageRejectedException(ImageRejection reason, string message) : Exception(message)
{
    public ImageRejection Reason { get; } = reason;
}
