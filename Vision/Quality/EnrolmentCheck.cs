namespace FaceRecognition.Vision.Quality;

/// <summary>
/// Whether a picture can enrol its person: exactly one face, large, sharp and frontal enough. <see cref="Problem"/>
/// says why not, in words for the person who sent the picture.
/// </summary>
public sealed record EnrolmentCheck(AnalyzedFace? Face, FaceQuality? Quality, string? Problem)
{
    public bool Accepted => Problem is null;

    internal static EnrolmentCheck Judge(IReadOnlyList<AnalyzedFace> faces, Func<AnalyzedFace, FaceQuality> measure, EnrolmentOptions limits)
    {
        if (faces.Count != 1)
        {
            return new EnrolmentCheck(null, null, faces.Count == 0 ? "no face found" : $"{faces.Count} faces found; use pictures of this person alone");
        }
        var face = faces[0];
        var quality = measure(face);
        string? problem = null;
        if (quality.Size < limits.MinFaceSize)
        {
            problem = $"face too small: {quality.Size:0} px across, at least {limits.MinFaceSize:0} needed";
        }
        else if (quality.Sharpness < limits.MinSharpness)
        {
            problem = $"face too blurred: sharpness {quality.Sharpness:0.#}, at least {limits.MinSharpness:0.#} needed";
        }
        else if (quality.Turn > limits.MaxTurn)
        {
            problem = $"face turned too far from the camera: {quality.Turn:0.00} (0 facing it, 1 in profile), at most {limits.MaxTurn:0.00} accepted";
        }
        return new EnrolmentCheck(face, quality, problem);
    }
}
