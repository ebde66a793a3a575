using System.Numerics.Tensors;

namespace FaceRecognition.RecognitionBench;

/// <summary>
/// For every probe of the identification sets: the distance to its own identity (genuine) and to the nearest other
/// identity (impostor), under one comparison rule. A threshold accepts the own identity when genuine &lt;= threshold and
/// falsely accepts someone else when impostor &lt;= threshold (the probe's person not enrolled, as in leave-one-out).
/// </summary>
internal static class Distances
{
    public sealed record Probe(string Set, string Picture, string Person, double Genuine, string NearestOther, double Impostor);

    public static List<Probe> Of(LabelledSets sets, Func<string, float[]?> describe, MatchRule rule)
    {
        var probes = new List<Probe>();
        foreach (var photo in sets.Photos)
        {
            var gallery = sets.Photos.Where(p => p != photo).Select(p => (p.Person, describe(p.Path)));
            Add("photos", photo.Path, photo.Person, gallery);
        }
        foreach (var frame in sets.Frames.Where(f => !f.Enrols))
        {
            Add("videos", frame.Path, frame.Person, sets.Frames.Where(f => f.Enrols).Select(f => (f.Person, describe(f.Path))));
        }
        return probes;

        void Add(string set, string picture, string person, IEnumerable<(string Person, float[]? Descriptor)> gallery)
        {
            if (describe(picture) is not { } probe)
            {
                return;
            }
            var byPerson = gallery.Where(g => g.Descriptor is not null).GroupBy(g => g.Person)
                .Select(g => (Person: g.Key, Distance: (double)(rule == MatchRule.Nearest
                    ? g.Min(e => TensorPrimitives.Distance(e.Descriptor!, probe))
                    : TensorPrimitives.Distance(Identification.Mean([.. g.Select(e => e.Descriptor!)]), probe))))
                .ToArray();
            var own = byPerson.Where(p => p.Person == person).Select(p => p.Distance).DefaultIfEmpty(double.PositiveInfinity).Min();
            var other = byPerson.Where(p => p.Person != person).MinBy(p => p.Distance);
            probes.Add(new Probe(set, Path.GetFileName(picture), person, own, other.Person, other.Distance));
        }
    }
}
