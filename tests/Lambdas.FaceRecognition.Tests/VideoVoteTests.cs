using FaceRecognition.Vision;

namespace FaceRecognition.Lambdas.FaceRecognition.Tests;

public sealed class VideoVoteTests
{
    private static FrameVote Vote(int frame, string name, double weight, AnswerKind kind = AnswerKind.Matched) => new(frame, name, kind.ToString(), weight);

    [Fact]
    public void The_name_with_the_most_confidence_wins_even_with_fewer_frames()
    {
        var decision = VideoVote.Decide([Vote(0, "Biden", 0.45), Vote(1, "Biden", 0.45), Vote(2, "Trump", 0.99)]);

        Assert.Equal("Trump", decision.Name);
        Assert.Equal("Trump: weight 0.99 of 1.89 from 1 of 3 frame(s).", decision.Note);
    }

    [Fact]
    public void Frames_without_a_face_do_not_vote()
    {
        var decision = VideoVote.Decide([Vote(0, "Unknown", 0, AnswerKind.NoFace), Vote(1, "Obama", 0.9), Vote(2, "Unknown", 0, AnswerKind.NoFace)]);

        Assert.Equal("Obama", decision.Name);
    }

    [Fact]
    public void No_face_in_any_frame_is_Unknown_and_says_so()
    {
        var decision = VideoVote.Decide([Vote(0, "Unknown", 0, AnswerKind.NoFace), Vote(1, "Unknown", 0, AnswerKind.NoFace)]);

        Assert.Equal(("Unknown", "No face found in any of 2 frame(s)."), (decision.Name, decision.Note));
    }

    [Fact]
    public void Faces_that_match_nobody_can_outvote_a_weak_match()
    {
        var decision = VideoVote.Decide([Vote(0, "Unknown", 0.95, AnswerKind.NoMatch), Vote(1, "Unknown", 0.9, AnswerKind.NoMatch), Vote(2, "Depp", 0.6)]);

        Assert.Equal("Unknown", decision.Name);
        Assert.EndsWith("the faces match nobody enrolled.", decision.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decision_does_not_depend_on_the_order_the_votes_came_in()
    {
        FrameVote[] votes = [Vote(0, "Bean", 0.8), Vote(1, "Depp", 0.5), Vote(2, "Depp", 0.3), Vote(3, "Bean", 0), Vote(4, "Alba", 0.8)];
        // Bean and Depp tie on weight (0.8); Bean and Alba too; Bean has more frames than Alba: Bean.
        var decisions = Permutations(votes).Select(p => VideoVote.Decide(p)).Distinct().ToArray();

        Assert.Equal("Bean", Assert.Single(decisions).Name);
    }

    [Fact]
    public void A_full_tie_is_broken_by_name_order()
    {
        Assert.Equal("Alba", VideoVote.Decide([Vote(0, "Zoe", 0.7), Vote(1, "Alba", 0.7)]).Name);
        Assert.Equal("Alba", VideoVote.Decide([Vote(0, "Alba", 0.7), Vote(1, "Zoe", 0.7)]).Name);
    }

    private static IEnumerable<FrameVote[]> Permutations(FrameVote[] items) => items.Length <= 1
        ? [items]
        : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (FrameVote[])[item, .. rest]));
}
