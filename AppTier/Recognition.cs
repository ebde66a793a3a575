using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Vision;
using Microsoft.Extensions.Options;

namespace FaceRecognition.AppTier;

/// <summary>Answers a picture in either mode: the engine with the gallery, or the label table by file stem.</summary>
internal sealed class Recognition(IServiceProvider services, IOptions<RecognitionOptions> options, GalleryCache gallery)
{
    private readonly Lazy<LookupTable?> _table = new(() =>
        options.Value.LookupTable is { Length: > 0 } path ? LookupTable.LoadFromFile(path) : null);

    // The engine (four ONNX sessions, ~350 MB) loads on the first model-mode request, not in lookup-only runs.
    private readonly Lazy<FaceRecognizer> _engine = new(services.GetRequiredService<FaceRecognizer>);

    /// <summary>Loads what the configured mode needs, so that the first request does not pay for it.</summary>
    public void Warm()
    {
        if (options.Value.Mode == RecognitionMode.Lookup)
        {
            _ = _table.Value;
        }
        else
        {
            _ = _engine.Value;
        }
    }

    /// <exception cref="Vision.Imaging.ImageRejectedException">Model mode: not a usable picture.</exception>
    public RecognitionReply Recognize(RecognitionRequest request, string stem, byte[] picture)
    {
        if (request.Mode == RecognitionMode.Lookup)
        {
            var table = _table.Value;
            if (table is null)
            {
                return RecognitionReply.Failure(request.Id, ReplyErrorCodes.Failed, "This app tier has no lookup table (Recognition:LookupTable).");
            }
            return table.TryGetName(stem, out var name)
                ? new RecognitionReply(RecognitionRequest.Version, request.Id, name, "Lookup", [], null, null)
                : RecognitionReply.Failure(request.Id, ReplyErrorCodes.NotInTable, $"'{stem}' is not in the lookup table.");
        }

        var engine = _engine.Value;
        var threshold = request.Threshold ?? engine.Options.MatchThreshold;
        var result = engine.Recognize(picture, gallery.Current, threshold);
        var kept = result.Faces.Take(request.MaxFaces ?? DefaultMaxFaces).ToList();
        var faces = kept.Select(f => ReplyFaces.Of(f.Face, f.Name, f.Distance, request.Landmarks == true)).ToArray();
        var answerFace = result.AnswerFace is { } answer && kept.IndexOf(answer) is >= 0 and var index ? index : (int?)null;
        return new RecognitionReply(RecognitionRequest.Version, request.Id, result.Answer, result.Kind.ToString(), faces, null, null,
            Threshold: threshold, Width: result.Width, Height: result.Height, AnswerFace: answerFace);
    }

    /// <summary>Faces in a reply when the request does not say (the most confident first).</summary>
    public const int DefaultMaxFaces = 10;

    /// <summary>The engine, for the other jobs on pictures (detection, verification).</summary>
    public FaceRecognizer Engine => _engine.Value;
}
