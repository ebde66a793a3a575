using FaceRecognition.Api;
using FaceRecognition.Cloud.Messaging;

namespace FaceRecognition.WebTier;

/// <summary>The app tier's reply parts in the API's shapes (FaceRecognition.Api, the contracts clients use).</summary>
internal static class ApiShapes
{
    public static ApiFace Face(ReplyFace face) => new(face.Box, face.Score, face.Name, face.Distance, face.Landmarks);

    public static ApiTimings? Timings(ReplyTimings? timings) =>
        timings is null ? null : new(timings.Download, timings.Recognize, timings.Store, timings.Total);
}
