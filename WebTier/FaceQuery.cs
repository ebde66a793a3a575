using System.Globalization;
using FaceRecognition.Api;
using FaceRecognition.Cloud.Messaging;

namespace FaceRecognition.WebTier;

/// <summary>
/// The query parameters of the endpoints on faces, checked with a reason: <c>threshold</c> (the largest descriptor
/// distance that counts as the same person, 0 to 2; default the app tier's <c>Vision:MatchThreshold</c>, 0.55),
/// <c>maxFaces</c> (1 to 100; default 10, the most confident first) and <c>landmarks</c> (true or false).
/// </summary>
internal static class FaceQuery
{
    public static (FaceOptions? Options, UploadProblem? Problem) Parse(IQueryCollection query, bool landmarksByDefault)
    {
        float? threshold = null;
        if (query[ApiNames.Threshold] is { Count: > 0 } thresholdText)
        {
            if (!float.TryParse(thresholdText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0 && value <= RecognitionRequest.MaxThreshold))
            {
                return (null, Bad($"'{ApiNames.Threshold}' must be a number above 0 and at most {RecognitionRequest.MaxThreshold.ToString(CultureInfo.InvariantCulture)}, not '{thresholdText}'."));
            }
            threshold = value;
        }
        int? maxFaces = null;
        if (query[ApiNames.MaxFaces] is { Count: > 0 } maxFacesText)
        {
            if (!int.TryParse(maxFacesText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > RecognitionRequest.MaxFacesLimit)
            {
                return (null, Bad($"'{ApiNames.MaxFaces}' must be a whole number from 1 to {RecognitionRequest.MaxFacesLimit}, not '{maxFacesText}'."));
            }
            maxFaces = value;
        }
        var (landmarks, problem) = Flag(query, ApiNames.Landmarks, landmarksByDefault);
        return problem is null ? (new FaceOptions(threshold, maxFaces, landmarks), null) : (null, problem);
    }

    /// <summary>A true/false query parameter, <paramref name="byDefault"/> when absent.</summary>
    public static (bool Value, UploadProblem? Problem) Flag(IQueryCollection query, string name, bool byDefault)
    {
        if (query[name] is not { Count: > 0 } text)
        {
            return (byDefault, null);
        }
        return bool.TryParse(text, out var value) ? (value, null) : (false, Bad($"'{name}' must be true or false, not '{text}'."));
    }

    private static UploadProblem Bad(string detail) => new(StatusCodes.Status400BadRequest, detail);
}
