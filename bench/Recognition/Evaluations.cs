namespace FaceRecognition.RecognitionBench;

/// <summary>Counts of one identification experiment: probes answered correctly, wrongly (another person: a false accept)
/// or Unknown, and how many of the units (people or videos) came out right as a whole.</summary>
internal sealed record Scores(int Correct, int Wrong, int Unknown, int UnitsRight, int Units)
{
    public int Probes => Correct + Wrong + Unknown;
}

/// <summary>The identification experiments, each run with a recogniser's descriptors and a decision rule.</summary>
internal sealed class Evaluations(LabelledSets sets, Func<string, float[]?> describe)
{
    /// <summary>Every photo probes a gallery of all the other photos (people with a single photo left have one face enrolled).
    /// A unit is a photo answered with its person.</summary>
    public Scores PhotosClosedSet(DecisionRule rule)
    {
        var outcomes = new List<Outcome>();
        foreach (var probe in sets.Photos)
        {
            var gallery = Gallery(sets.Photos.Where(p => p != probe).Select(p => (p.Path, p.Person)));
            outcomes.Add(describe(probe.Path) is { } d ? Identification.Judge(Identification.Decide(gallery, d, rule).Person, probe.Person) : Outcome.Unknown);
        }
        return Count(outcomes, outcomes.Count(o => o == Outcome.Correct), outcomes.Count);
    }

    /// <summary>Each person in turn is left out of the gallery and probes it with all their photos: every answer other
    /// than Unknown is a false accept. A unit is a person none of whose photos was accepted as someone else.</summary>
    public Scores PhotosLeftOut(DecisionRule rule)
    {
        var outcomes = new List<Outcome>();
        var people = sets.Photos.GroupBy(p => p.Person).ToArray();
        var clean = 0;
        foreach (var person in people)
        {
            var gallery = Gallery(sets.Photos.Where(p => p.Person != person.Key).Select(p => (p.Path, p.Person)));
            var answers = person.Select(p => describe(p.Path) is { } d ? Identification.Judge(Identification.Decide(gallery, d, rule).Person, null) : Outcome.Unknown).ToArray();
            outcomes.AddRange(answers);
            clean += answers.All(o => o == Outcome.Unknown) ? 1 : 0;
        }
        return Count(outcomes, clean, people.Length);
    }

    /// <summary>Each video's person enrolled from its frames at t >= 1 s, probed with its frames before 1 s; a unit is a
    /// video whose frames' vote names its person.</summary>
    public Scores Videos(DecisionRule rule) => VideoRun(rule, leaveOut: false);

    /// <summary>As <see cref="Videos"/> with the video's own person left out of the gallery: a unit is a video voted Unknown.</summary>
    public Scores VideosLeftOut(DecisionRule rule) => VideoRun(rule, leaveOut: true);

    private Scores VideoRun(DecisionRule rule, bool leaveOut)
    {
        var outcomes = new List<Outcome>();
        var right = 0;
        var videos = sets.Frames.GroupBy(f => f.Video).ToArray();
        foreach (var video in videos)
        {
            var person = video.First().Person;
            var gallery = Gallery(sets.Frames.Where(f => f.Enrols && !(leaveOut && f.Person == person)).Select(f => (f.Path, f.Person)));
            var votes = new Dictionary<string, int>();
            foreach (var frame in video.Where(f => !f.Enrols))
            {
                var answer = describe(frame.Path) is { } d ? Identification.Decide(gallery, d, rule).Person : null;
                outcomes.Add(Identification.Judge(answer, leaveOut ? null : person));
                votes[answer ?? "Unknown"] = votes.GetValueOrDefault(answer ?? "Unknown") + 1;
            }
            var winner = votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).First().Key;
            right += winner == (leaveOut ? "Unknown" : person) ? 1 : 0;
        }
        return Count(outcomes, right, videos.Length);
    }

    private List<Enrolled> Gallery(IEnumerable<(string Picture, string Person)> faces) =>
        [.. faces.Select(f => (describe(f.Picture), f.Person)).Where(f => f.Item1 is not null).Select(f => new Enrolled(f.Person, f.Item1!))];

    private static Scores Count(List<Outcome> outcomes, int unitsRight, int units) => new(
        outcomes.Count(o => o == Outcome.Correct), outcomes.Count(o => o == Outcome.Wrong), outcomes.Count(o => o == Outcome.Unknown), unitsRight, units);
}
