using FaceRecognition.Vision.Tests.Support;

namespace FaceRecognition.Vision.Tests;

/// <summary>
/// The decision rule on still photos it was not fitted to alone: deepface's 300 labelled pairs (25 photos of 9 people,
/// bench/Recognition/REPORT.md), each pair decided by <see cref="FaceRecognizer.Verify"/> at the default threshold.
/// </summary>
public sealed class DeepfacePairsTests(RecognizerFixture engine)
{
    [Fact]
    public void At_the_default_threshold_no_two_people_are_taken_for_one_and_every_same_person_pair_is_accepted()
    {
        var folder = TestData.Dataset("deepface-pairs");
        var pairs = File.ReadLines(Path.Combine(folder, "pairs.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        var faces = pairs.SelectMany(p => p.Take(2)).Distinct().ToDictionary(photo => photo, photo =>
            engine.Recognizer.AnswerFace(engine.Recognizer.Analyze(engine.Recognizer.Decode(File.ReadAllBytes(Path.Combine(folder, photo)))))
                ?? throw new InvalidOperationException($"no face in {photo}"));

        var decided = pairs.Select(p => (First: p[0], Second: p[1], Same: p[2].Trim() == "yes", Verdict: engine.Recognizer.Verify(faces[p[0]], faces[p[1]]))).ToArray();

        var falseAccepts = decided.Where(d => !d.Same && d.Verdict.SamePerson).Select(d => $"{d.First}-{d.Second} {d.Verdict.Distance:F3}").ToArray();
        var falseRejects = decided.Where(d => d.Same && !d.Verdict.SamePerson).Select(d => $"{d.First}-{d.Second} {d.Verdict.Distance:F3}").ToArray();
        Assert.Equal(300, decided.Length);
        Assert.True(falseAccepts.Length == 0, "impostor pairs accepted: " + string.Join(", ", falseAccepts));
        Assert.True(falseRejects.Length == 0, "genuine pairs rejected: " + string.Join(", ", falseRejects));
    }
}
