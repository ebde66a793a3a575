using System.Text;
using FaceRecognition.Vision;

namespace FaceRecognition.RecognitionBench;

/// <summary>A recogniser under evaluation: a name and the descriptor of each picture's answer face (null: no face).</summary>
internal sealed record Recogniser(string Name, Func<string, float[]?> Describe);

/// <summary>
/// Writes REPORT.md: verification error rates and distances on the deepface pairs, the distances of identification
/// probes under each rule, thresholds fitted on one set and judged on the other, and identification at the chosen
/// operating point. The last recogniser with the mean rule is what the engine ships.
/// </summary>
internal sealed class Report(LabelledSets sets, IReadOnlyList<Recogniser> recognisers, (double Plain, double Mirrored)[] millisecondsPerPicture,
    IReadOnlyList<QualitySample> quality)
{
    private static readonly double[] s_thresholds = [0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70];
    private readonly StringBuilder _text = new();

    private Recogniser FaceApi => recognisers[0];

    private Recogniser Shipped => recognisers[^1];

    public string Write(string heading, string notes)
    {
        var shippedThreshold = Math.Round(new VisionOptions().MatchThreshold, 2);
        var chosen = OperatingPoint.Choose(Distances.Of(sets, Shipped.Describe, MatchRule.Mean));
        _text.Append(heading);
        Summary(chosen, shippedThreshold);
        Sets();
        Verification();
        IdentificationDistances();
        Transfer();
        Identification(shippedThreshold);
        EnrolmentQuality(shippedThreshold);
        Line($"## Cost");
        Line("");
        Line("Engine time per picture, decode to descriptors, one process on this machine: the median pass over the pictures, the two engines alternating after a warm-up pass each. The mirrored crop runs in the same batch as the face.");
        Line("");
        Line("| Pictures | Plain descriptors | Mirror-averaged | Ratio |");
        Line("|---|---|---|---|");
        var (large, small) = (millisecondsPerPicture[0], millisecondsPerPicture[1]);
        Line($"| the {sets.AllPictures.Distinct().Count()} photos and frames (3 passes) | {large.Plain:0.0} ms | {large.Mirrored:0.0} ms | {large.Mirrored / large.Plain:0.00} |");
        Line($"| the 10 distinct 64x64 crops of the image workload (5 passes) | {small.Plain:0.0} ms | {small.Mirrored:0.0} ms | {small.Mirrored / small.Plain:0.00} |");
        Line("");
        _text.Append(notes);
        return _text.ToString();
    }

    private void Summary(OperatingPoint chosen, double shippedThreshold)
    {
        var pairs = RecognitionBench.Verification.Distances(sets.Pairs, Shipped.Describe);
        var theirPairs = RecognitionBench.Verification.Distances(sets.Pairs, FaceApi.Describe);
        var mine = RecognitionBench.Verification.EqualErrorRate(pairs);
        var theirs = RecognitionBench.Verification.EqualErrorRate(theirPairs);
        var rule = new DecisionRule(MatchRule.Mean, shippedThreshold);
        var evaluations = new Evaluations(sets, Shipped.Describe);
        Line("");
        Line("## Result");
        Line("");
        Line($"- Decision rule shipped: descriptors averaged with the mirrored face's, each identity compared by the mean of its enrolled faces, threshold `Vision:MatchThreshold` = {shippedThreshold:0.00}.");
        Line($"- Threshold the data chooses for it: {chosen.Threshold:0.00} ({(chosen.Separates ? $"the middle of the gap between the largest genuine distance, {chosen.LargestGenuine:0.000}, and the smallest impostor distance, {chosen.SmallestImpostor:0.000}, over all identification probes of both sets" : "the fewest errors over all identification probes: no threshold separates them")}){(Math.Abs(chosen.Threshold - shippedThreshold) < 0.005 ? "; the default is this value" : "; THE DEFAULT DIFFERS")}.");
        Line($"- deepface pairs, equal error rate: engine {mine.Rate:P1} (at {mine.Threshold:0.000}), face-api {theirs.Rate:P1} (at {theirs.Threshold:0.000}).");
        Line($"- deepface pairs at the operating point: engine {Rates(RecognitionBench.Verification.At(pairs, shippedThreshold))}; face-api at its default 0.60: {Rates(RecognitionBench.Verification.At(theirPairs, 0.60))}.");
        var (videos, videosOut) = (evaluations.Videos(rule), evaluations.VideosLeftOut(rule));
        Line($"- The 8 videos: {videos.UnitsRight} of {videos.Units} named ({videos.Correct} of {videos.Probes} probe frames right, {videos.Wrong} wrong); each person left out in turn: {videosOut.UnitsRight} of {videosOut.Units} voted Unknown ({videosOut.Wrong} of {videosOut.Probes} frames taken for someone else).");
        var (photos, photosOut) = (evaluations.PhotosClosedSet(rule), evaluations.PhotosLeftOut(rule));
        Line($"- deepface photos, each probing all the others: {photos.Correct} of {photos.Probes} right, {photos.Wrong} wrong; each person left out: {photosOut.Wrong} of {photosOut.Probes} taken for someone else.");
        Line("");
    }

    private void Sets()
    {
        Line("## The sets");
        Line("");
        Line($"- deepface pairs: {sets.Photos.Count} photos of {sets.Photos.Select(p => p.Person).Distinct().Count()} people (people found by joining same-person pairs), {sets.Pairs.Count} pairs ({sets.Pairs.Count(p => p.SamePerson)} same person, {sets.Pairs.Count(p => !p.SamePerson)} different).");
        Line($"- videos: the 8 original videos, frames every 0.25 s: {sets.Frames.Count(f => f.Enrols)} frames at t >= 1 s enrol, {sets.Frames.Count(f => !f.Enrols)} frames at t < 1 s probe (never the same frame).");
        Line("- Every picture counts with its answer face (the largest face scoring at least 0.8, else the largest), as the engine answers; face-api runs with its defaults (minConfidence 0.5).");
        Line("");
    }

    private void Verification()
    {
        Line("## Verification: deepface pairs");
        Line("");
        Line("False accepts (of impostor pairs) / false rejects (of genuine pairs) by threshold; a pair with a photo where no face was found counts as rejected.");
        Line("");
        Line("| Recogniser | EER (at threshold) | " + string.Join(" | ", s_thresholds.Select(t => $"{t:0.00}")) + " |");
        Line("|---|---|" + string.Concat(s_thresholds.Select(_ => "---|")));
        foreach (var recogniser in recognisers)
        {
            var distances = RecognitionBench.Verification.Distances(sets.Pairs, recogniser.Describe);
            var (rate, threshold) = RecognitionBench.Verification.EqualErrorRate(distances);
            var cells = s_thresholds.Select(t => RecognitionBench.Verification.At(distances, t)).Select(r => $"{r.FalseAccepts} / {r.FalseRejects}");
            Line($"| {recogniser.Name} | {rate:P1} ({threshold:0.000}) | {string.Join(" | ", cells)} |");
        }
        Line("");
        Line("Distances of the pairs (min / 10th percentile / median / 90th percentile / max):");
        Line("");
        Line("| Recogniser | Genuine pairs | Impostor pairs |");
        Line("|---|---|---|");
        foreach (var recogniser in recognisers)
        {
            var distances = RecognitionBench.Verification.Distances(sets.Pairs, recogniser.Describe);
            Line($"| {recogniser.Name} | {Spread(distances.Where(d => d.Pair.SamePerson).Select(d => d.Distance))} | {Spread(distances.Where(d => !d.Pair.SamePerson).Select(d => d.Distance))} |");
        }
        Line("");
    }

    private void IdentificationDistances()
    {
        Line("## Identification distances, by rule");
        Line("");
        Line("Each probe's distance to its own identity (genuine) and to the nearest other identity (impostor: what it would be taken for if it were not enrolled). Photos: each photo against all the others; videos: frames before 1 s against the frames from 1 s on. A threshold in the gap between the largest genuine and the smallest impostor distance makes no error.");
        Line("");
        Line("| Recogniser | Rule | Photos: largest genuine / smallest impostor | Videos: largest genuine / smallest impostor | Both sets: gap |");
        Line("|---|---|---|---|---|");
        foreach (var recogniser in recognisers)
        {
            foreach (var rule in new[] { MatchRule.Nearest, MatchRule.Mean })
            {
                var probes = Distances.Of(sets, recogniser.Describe, rule);
                string Bounds(string set) => $"{probes.Where(p => p.Set == set).Max(p => p.Genuine):0.000} / {probes.Where(p => p.Set == set).Min(p => p.Impostor):0.000}";
                var gap = probes.Min(p => p.Impostor) - probes.Max(p => p.Genuine);
                Line($"| {recogniser.Name} | {rule} | {Bounds("photos")} | {Bounds("videos")} | {gap:0.000} |");
            }
        }
        Line("");
        Line("Genuine and impostor distances of the shipped rule, all probes of both sets (0.05 wide bins):");
        Line("");
        var shipped = Distances.Of(sets, Shipped.Describe, MatchRule.Mean);
        Line("| Distance | Genuine | Impostor |");
        Line("|---|---|---|");
        for (var bin = 0.0; bin < 1.2; bin += 0.05)
        {
            var (low, high) = (bin, bin + 0.05);
            var (genuine, impostor) = (shipped.Count(p => p.Genuine >= low && p.Genuine < high), shipped.Count(p => p.Impostor >= low && p.Impostor < high));
            if (genuine + impostor > 0)
            {
                Line($"| {low:0.00}-{high:0.00} | {new string('#', genuine)} {genuine} | {new string('#', impostor)} {impostor} |");
            }
        }
        Line("");
    }

    private void Transfer()
    {
        Line("## Thresholds fitted on one set, judged on the other");
        Line("");
        Line("The threshold each set alone would choose (the middle of its own gap, as for the operating point), and the errors it makes on the set it was not fitted on: false rejects of that set's probes / probes that would be taken for someone else.");
        Line("");
        Line("| Recogniser | Rule | Fitted on photos: threshold, errors on videos | Fitted on videos: threshold, errors on photos |");
        Line("|---|---|---|---|");
        foreach (var recogniser in recognisers)
        {
            foreach (var rule in new[] { MatchRule.Nearest, MatchRule.Mean })
            {
                var probes = Distances.Of(sets, recogniser.Describe, rule);
                string Judge(string fitted, string judged)
                {
                    var point = OperatingPoint.Choose([.. probes.Where(p => p.Set == fitted)]);
                    var (rejects, accepts) = point.ErrorsOn(probes.Where(p => p.Set == judged));
                    return $"{point.Threshold:0.00}: {rejects} / {accepts}";
                }
                Line($"| {recogniser.Name} | {rule} | {Judge("photos", "videos")} | {Judge("videos", "photos")} |");
            }
        }
        Line("");
    }

    private void Identification(double shippedThreshold)
    {
        Line("## Identification by threshold");
        Line("");
        Line("Photos: each photo probes all the others, right / wrong / Unknown. Photos left out: each person's photos probe a gallery without them, answers other than Unknown. Videos: named of 8 (frames right / wrong / Unknown). Videos left out: voted Unknown of 8 (frames taken for someone else). The margin rule also requires the second-nearest identity to be at least 0.05 further than the nearest.");
        Line("");
        Line("| Recogniser | Rule | Threshold | Photos | Photos left out | Videos | Videos left out |");
        Line("|---|---|---|---|---|---|---|");
        foreach (var recogniser in recognisers)
        {
            var evaluations = new Evaluations(sets, recogniser.Describe);
            foreach (var rule in new[] { new DecisionRule(MatchRule.Nearest, 0), new DecisionRule(MatchRule.Mean, 0), new DecisionRule(MatchRule.Mean, 0, 0.05) })
            {
                foreach (var threshold in new[] { 0.50, shippedThreshold, 0.60 }.Distinct())
                {
                    var decision = rule with { Threshold = threshold };
                    var (photos, photosOut, videos, videosOut) = (evaluations.PhotosClosedSet(decision), evaluations.PhotosLeftOut(decision),
                        evaluations.Videos(decision), evaluations.VideosLeftOut(decision));
                    Line($"| {recogniser.Name} | {rule.Rule}{(rule.Margin > 0 ? $", margin {rule.Margin:0.00}" : "")} | {threshold:0.00} | {photos.Correct} / {photos.Wrong} / {photos.Unknown} | {photosOut.Wrong} of {photosOut.Probes} | {videos.UnitsRight} ({videos.Correct} / {videos.Wrong} / {videos.Unknown}) | {videosOut.UnitsRight} ({videosOut.Wrong} of {videosOut.Probes}) |");
                }
            }
        }
        Line("");
    }

    private void EnrolmentQuality(double threshold)
    {
        var pairs = RecognitionBench.Verification.Distances(sets.Pairs, Shipped.Describe);
        var medianGenuine = pairs.Where(p => p.Pair.SamePerson && p.Distance is not null).Select(p => (double)p.Distance!.Value).Order().ElementAt(pairs.Count(p => p.Pair.SamePerson && p.Distance is not null) / 2);
        var limits = EnrolmentLimits.Read(quality, threshold, medianGenuine);
        var defaults = new VisionOptions().Enrolment;
        Line("## Enrolment quality");
        Line("");
        Line($"Each deepface photo made smaller (its aligned face scaled to a given side) or blurred (face first scaled to {QualityExperiments.BlurFaceSize:0} px, then a Gaussian blur of the given sigma), run through the engine; drift is the distance from the undegraded photo's descriptor. A degraded face is trusted while its drift is within the room a typical genuine pair has: the threshold {threshold:0.00} less the median genuine pair distance {medianGenuine:0.000} = {limits.Room:0.000}.");
        Line("");
        Line("| Face side (px) | Faces found | Drift: median / max | Trusted | Sharpness: median |");
        Line("|---|---|---|---|---|");
        foreach (var level in quality.Where(q => q.Experiment == "size").GroupBy(q => q.Level).OrderBy(g => g.Key))
        {
            Line(LevelRow(level.Key.ToString("0", System.Globalization.CultureInfo.InvariantCulture), [.. level], limits.Room));
        }
        Line("");
        Line("| Blur sigma (px at 150) | Faces found | Drift: median / max | Trusted | Sharpness: median |");
        Line("|---|---|---|---|---|");
        foreach (var level in quality.Where(q => q.Experiment == "blur").GroupBy(q => q.Level).OrderBy(g => g.Key))
        {
            Line(LevelRow(level.Key.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), [.. level], limits.Room));
        }
        Line("");
        var real = quality.Where(q => q.Experiment.StartsWith("real", StringComparison.Ordinal) && q.Quality is not null).ToArray();
        Line($"Real faces (all {real.Length} photos and probe frames; {real.Count(r => r.Decides)} identified right): side {real.Min(r => r.Quality!.Value.Size):0}-{real.Max(r => r.Quality!.Value.Size):0} px, sharpness {real.Min(r => r.Quality!.Value.Sharpness):0.0}-{real.Max(r => r.Quality!.Value.Sharpness):0}, turn {real.Min(r => r.Quality!.Value.Turn):0.00}-{real.Max(r => r.Quality!.Value.Turn):0.00}.");
        Line("");
        Line("| Limit (`Vision:Enrolment`) | Read from the data | Default | How |");
        Line("|---|---|---|---|");
        Line($"| MinFaceSize | {limits.MinFaceSize:0} | {defaults.MinFaceSize:0} | the side that best separates trusted from untrusted smaller faces |");
        Line($"| MinSharpness | {limits.MinSharpness:0} | {defaults.MinSharpness:0} | {limits.SharpnessNote}, rounded down to a multiple of 5 |");
        Line($"| MaxTurn | {limits.MaxTurn:0.00} | {defaults.MaxTurn:0.00} | {limits.TurnNote} |");
        Line("");
        var refused = real.Where(r => r.Quality!.Value.Size < defaults.MinFaceSize || r.Quality!.Value.Sharpness < defaults.MinSharpness || r.Quality!.Value.Turn > defaults.MaxTurn).ToArray();
        Line($"Real faces the defaults would refuse: {(refused.Length == 0 ? "none" : string.Join(", ", refused.Select(r => r.Picture)))}.");
        Line("");
    }

    private static string LevelRow(string level, IReadOnlyList<QualitySample> samples, double room)
    {
        var found = samples.Where(s => s.Quality is not null).ToArray();
        if (found.Length == 0)
        {
            return $"| {level} | 0 of {samples.Count} | - | - | - |";
        }
        var drifts = found.Select(s => s.Drift).Order().ToArray();
        var sharpness = found.Select(s => s.Quality!.Value.Sharpness).Order().ToArray();
        return $"| {level} | {found.Length} of {samples.Count} | {drifts[drifts.Length / 2]:0.000} / {drifts[^1]:0.000} | {drifts.Count(d => d <= room)} | {sharpness[sharpness.Length / 2]:0.0} |";
    }

    private static string Rates(ErrorRates rates) =>
        $"{rates.FalseAccepts} of {rates.Impostors} impostor pairs accepted, {rates.FalseRejects} of {rates.Genuine} genuine pairs rejected";

    private static string Spread(IEnumerable<float?> distances)
    {
        var all = distances.ToArray();
        var sorted = all.Where(d => d is not null).Select(d => (double)d!.Value).Order().ToArray();
        double At(double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
        var missing = all.Count(d => d is null);
        return $"{At(0):0.000} / {At(0.1):0.000} / {At(0.5):0.000} / {At(0.9):0.000} / {At(1):0.000}{(missing > 0 ? $" ({missing} without a face)" : "")}";
    }

    private void Line(string line) => _text.Append(line).Append('\n');
}
