using System.Numerics.Tensors;

namespace FaceRecognition.Identities;

/// <summary>
/// Enrolled people: name -> face descriptors, searched by the Euclidean distance from a probe to each identity's mean
/// descriptor (steadier than the nearest single face: bench/Recognition/REPORT.md). Any number of readers search while one
/// writer enrols or removes: readers work on an immutable snapshot; enrolment appends rows past the snapshot's end
/// (which no reader looks at) and then publishes a longer snapshot; removal publishes fresh arrays.
/// </summary>
public sealed partial class Gallery
{
    public const int Dimension = 128;
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>Enrolled faces over all identities.</summary>
    public int FaceCount => _snapshot.Count;

    /// <summary>Every identity with its number of enrolled faces, in enrolment order.</summary>
    public IReadOnlyList<(string Name, int Faces)> Identities
    {
        get
        {
            var snapshot = _snapshot;
            var counts = new int[snapshot.Names.Length];
            for (var row = 0; row < snapshot.Count; row++)
            {
                counts[snapshot.Owners[row]]++;
            }
            return [.. snapshot.Names.Select((name, i) => (name, counts[i]))];
        }
    }

    public bool Contains(string name) => Array.IndexOf(_snapshot.Names, name) >= 0;

    /// <summary>Adds faces to an identity, creating it when new.</summary>
    public void Enroll(string name, IEnumerable<float[]> descriptors)
    {
        IdentityName.Validate(name);
        var rows = descriptors.ToArray();
        if (rows.Length == 0)
        {
            throw new ArgumentException($"No face descriptors given for '{name}'.", nameof(descriptors));
        }
        foreach (var row in rows)
        {
            ValidateDescriptor(row);
        }

        lock (_writeLock)
        {
            var current = _snapshot;
            var identity = Array.IndexOf(current.Names, name);
            var names = identity >= 0 ? current.Names : [.. current.Names, name];
            identity = identity >= 0 ? identity : names.Length - 1;

            var count = current.Count + rows.Length;
            var (vectors, owners) = (current.Vectors, current.Owners);
            if (count > owners.Length)
            {
                var capacity = Math.Max(count, Math.Max(64, owners.Length * 2));
                Array.Resize(ref owners, capacity);
                Array.Resize(ref vectors, capacity * Dimension);
            }
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i].CopyTo(vectors.AsSpan((current.Count + i) * Dimension, Dimension));
                owners[current.Count + i] = identity;
            }
            _snapshot = Snapshot.Create(names, owners, vectors, count);
        }
    }

    /// <summary>Removes an identity and all its faces; false when it was not enrolled.</summary>
    public bool Remove(string name)
    {
        lock (_writeLock)
        {
            var current = _snapshot;
            var identity = Array.IndexOf(current.Names, name);
            if (identity < 0)
            {
                return false;
            }
            var names = current.Names.Where((_, i) => i != identity).ToArray();
            var owners = new int[current.Count];
            var vectors = new float[current.Count * Dimension];
            var count = 0;
            for (var row = 0; row < current.Count; row++)
            {
                var owner = current.Owners[row];
                if (owner == identity)
                {
                    continue;
                }
                owners[count] = owner > identity ? owner - 1 : owner;
                current.Vectors.AsSpan(row * Dimension, Dimension).CopyTo(vectors.AsSpan(count * Dimension));
                count++;
            }
            _snapshot = Snapshot.Create(names, owners, vectors, count);
            return true;
        }
    }

    /// <summary>
    /// The nearest identity within <paramref name="threshold"/> (else Unknown), and the <paramref name="topK"/> nearest
    /// identities with the distance to each one's mean descriptor.
    /// </summary>
    public GalleryMatch Identify(ReadOnlySpan<float> descriptor, float threshold, int topK = 1)
    {
        ValidateDescriptor(descriptor);
        var snapshot = _snapshot;
        if (snapshot.Names.Length == 0)
        {
            return new GalleryMatch(IdentityName.Unknown, null, []);
        }

        var distances = new float[snapshot.Names.Length];
        for (var identity = 0; identity < distances.Length; identity++)
        {
            distances[identity] = TensorPrimitives.Distance(snapshot.Means.AsSpan(identity * Dimension, Dimension), descriptor);
        }
        var candidates = Enumerable.Range(0, distances.Length)
            .OrderBy(i => distances[i])
            .Take(Math.Max(1, topK))
            .Select(i => new GalleryCandidate(snapshot.Names[i], distances[i]))
            .ToArray();
        var nearest = candidates[0];
        return new GalleryMatch(nearest.Distance <= threshold ? nearest.Name : IdentityName.Unknown, nearest, candidates);
    }

    private static void ValidateDescriptor(ReadOnlySpan<float> descriptor)
    {
        if (descriptor.Length != Dimension)
        {
            throw new ArgumentException($"A face descriptor has {Dimension} values, not {descriptor.Length}.", nameof(descriptor));
        }
        foreach (var value in descriptor)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException("A face descriptor holds a value that is not a finite number.", nameof(descriptor));
            }
        }
    }

    /// <summary>
    /// Identity names; per-row owner index and 128 floats (only the first <see cref="Count"/> rows are live); each
    /// identity's mean descriptor, computed when the snapshot is made.
    /// </summary>
    private sealed record Snapshot(string[] Names, int[] Owners, float[] Vectors, int Count, float[] Means)
    {
        public static readonly Snapshot Empty = new([], [], [], 0, []);

        public static Snapshot Create(string[] names, int[] owners, float[] vectors, int count)
        {
            var means = new float[names.Length * Dimension];
            var faces = new int[names.Length];
            for (var row = 0; row < count; row++)
            {
                var mean = means.AsSpan(owners[row] * Dimension, Dimension);
                TensorPrimitives.Add(mean, vectors.AsSpan(row * Dimension, Dimension), mean);
                faces[owners[row]]++;
            }
            for (var identity = 0; identity < names.Length; identity++)
            {
                var mean = means.AsSpan(identity * Dimension, Dimension);
                TensorPrimitives.Divide(mean, faces[identity], mean);
            }
            return new Snapshot(names, owners, vectors, count, means);
        }
    }
}
