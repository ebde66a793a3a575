using System.Text.Json.Serialization;
using FaceRecognition.Identities;
using FaceRecognition.Vision;

namespace FaceRecognition.Lambdas.FaceRecognition;

/// <summary>One frame's answer and how much it counts: the detector's confidence in the face that gave it.</summary>
public sealed record FrameVote(
    [property: JsonPropertyName("frame")] int Frame,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("weight")] double Weight)
{
    public static FrameVote From(int frame, RecognitionResult result)
    {
        return new FrameVote(frame, result.Answer, result.Kind.ToString(), Math.Round(result.AnswerFace?.Face.Score ?? 0, 4));
    }
}

/// <summary>The video's name from its frames' votes: the name with the largest total weight (ties: more frames, then
/// the name in ordinal order), so the same votes always give the same answer whatever order they came in.</summary>
public static class VideoVote
{
    public static VideoDecision Decide(IReadOnlyCollection<FrameVote> votes)
    {
        var counted = votes.Where(v => v.Kind != nameof(AnswerKind.NoFace)).ToArray();
        if (counted.Length == 0)
        {
            return new VideoDecision(IdentityName.Unknown, $"No face found in any of {votes.Count} frame(s).");
        }
        var ranked = counted.GroupBy(v => v.Name, StringComparer.Ordinal)
            // Rounded: floating-point sums depend on the order of their terms, and the answer must not.
            .Select(g => (Name: g.Key, Weight: Math.Round(g.Sum(v => v.Weight), 6), Frames: g.Count()))
            .OrderByDescending(c => c.Weight).ThenByDescending(c => c.Frames).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToArray();
        var winner = ranked[0];
        var note = $"{winner.Name}: weight {winner.Weight:0.###} of {counted.Sum(v => v.Weight):0.###} from {winner.Frames} of {votes.Count} frame(s)";
        if (winner.Name == IdentityName.Unknown)
        {
            note += "; the faces match nobody enrolled";
        }
        return new VideoDecision(winner.Name, note + ".");
    }
}

public sealed record VideoDecision(string Name, string Note);

[JsonSerializable(typeof(FrameVote))]
internal sealed partial class VoteJson : JsonSerializerContext;
