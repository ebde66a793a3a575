using System.Numerics.Tensors;

namespace FaceRecognition.Identities;

/// <summary>
/// Enrolled people: name -> face descriptors, searched by the Euclidean distance from a probe to each identity's mean
/// descriptor (steadier than the nearest single face: bench/Recognition/REPORT.md). Any number of readers search while one
/// writer enrols or removes: readers work on an immutable snapshot; enrolment appends rows past the snapshot's end
/// (which no reader looks at) and then publishes a longer snapshot; removal publishes fresh arrays. Each face has an
/// id, the time it was enrolled and the picture it came from (<see cref="EnrolledFace"/>).
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

    /// <summary>The faces of an identity in enrolment order; null when it is not enrolled.</summary>
    public IReadOnlyList<EnrolledFace>? FacesOf(string name)
    {
        var snapshot = _snapshot;
        var identity = Array.IndexOf(snapshot.Names, name);
        return identity < 0 ? null : [.. Enumerable.Range(0, snapshot.Count).Where(r => snapshot.Owners[r] == identity).Select(r => snapshot.Faces[r])];
    }

    /// <summary>Adds faces to an identity, creating it when new; each gets a new id, now as its time, and no source.</summary>
    public IReadOnlyList<EnrolledFace> Enroll(string name, IEnumerable<float[]> descriptors) =>
        Enroll(name, [.. descriptors.Select(d => (d, ""))], DateTimeOffset.UtcNow);

    /// <summary>Adds faces to an identity, creating it when new: each descriptor with the name of the picture it came
    /// from; each face gets a new id and <paramref name="enrolledAt"/> as its time.</summary>
    public IReadOnlyList<EnrolledFace> Enroll(string name, IReadOnlyList<(float[] Descriptor, string Source)> faces, DateTimeOffset enrolledAt)
    {
        var records = faces.Select(f => (f.Descriptor, new EnrolledFace(EnrolledFace.NewId(), enrolledAt, f.Source))).ToArray();
        return Enroll(name, records);
    }

    /// <summary>Adds faces with their records as given (their time kept to the millisecond, as the file keeps it; the
    /// source cleaned as <see cref="EnrolledFace.CleanSource"/> says), creating the identity when new.</summary>
    public IReadOnlyList<EnrolledFace> Enroll(string name, IReadOnlyList<(float[] Descriptor, EnrolledFace Face)> faces)
    {
        var records = faces.Select(f => f.Face with
        {
            EnrolledAt = DateTimeOffset.FromUnixTimeMilliseconds(f.Face.EnrolledAt.ToUnixTimeMilliseconds()),
            Source = EnrolledFace.CleanSource(f.Face.Source),
        }).ToArray();
        if (records.FirstOrDefault(r => !EnrolledFace.IsValidId(r.Id)) is { } bad)
        {
            throw new ArgumentException($"'{bad.Id}' is not a face id (16 lower-case hex digits).", nameof(faces));
        }
        Add(name, [.. faces.Select(f => f.Descriptor)], records);
        return records;
    }

    private void Add(string name, float[][] rows, EnrolledFace[] records)
    {
        IdentityName.Validate(name);
        if (rows.Length == 0)
        {
            throw new ArgumentException($"No face descriptors given for '{name}'.", nameof(rows));
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
            var (vectors, owners, faces) = (current.Vectors, current.Owners, current.Faces);
            if (count > owners.Length)
            {
                var capacity = Math.Max(count, Math.Max(64, owners.Length * 2));
                Array.Resize(ref owners, capacity);
                Array.Resize(ref faces, capacity);
                Array.Resize(ref vectors, capacity * Dimension);
            }
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i].CopyTo(vectors.AsSpan((current.Count + i) * Dimension, Dimension));
                owners[current.Count + i] = identity;
                faces[current.Count + i] = records[i];
            }
            _snapshot = Snapshot.Create(names, owners, faces, vectors, count);
        }
    }

    /// <summary>Removes an identity and all its faces; false when it was not enrolled.</summary>
    public bool Remove(string name) => RemoveRows(name, faceId: null);

    /// <summary>Removes one face of an identity (the identity too when it was its last); false when there is no such face.</summary>
    public bool RemoveFace(string name, string faceId) => RemoveRows(name, faceId);

    private bool RemoveRows(string name, string? faceId)
    {
        lock (_writeLock)
        {
            var current = _snapshot;
            var identity = Array.IndexOf(current.Names, name);
            bool Removed(int row) => current.Owners[row] == identity && (faceId is null || current.Faces[row].Id == faceId);
            var removed = identity < 0 ? 0 : Enumerable.Range(0, current.Count).Count(Removed);
            if (removed == 0)
            {
                return false;
            }
            var identityGoes = removed == Enumerable.Range(0, current.Count).Count(r => current.Owners[r] == identity);
            var names = identityGoes ? current.Names.Where((_, i) => i != identity).ToArray() : current.Names;
            var owners = new int[current.Count];
            var faces = new EnrolledFace[current.Count];
            var vectors = new float[current.Count * Dimension];
            var count = 0;
            for (var row = 0; row < current.Count; row++)
            {
                if (Removed(row))
                {
                    continue;
                }
                var owner = current.Owners[row];
                owners[count] = identityGoes && owner > identity ? owner - 1 : owner;
                faces[count] = current.Faces[row];
                current.Vectors.AsSpan(row * Dimension, Dimension).CopyTo(vectors.AsSpan(count * Dimension));
                count++;
            }
            _snapshot = Snapshot.Create(names, owners, faces, vectors, count);
            return true;
        }
    }

    /// <summary>The distance from a probe to an identity's mean descriptor; null when it is not enrolled.</summary>
    public float? DistanceTo(string name, ReadOnlySpan<float> descriptor)
    {
        ValidateDescriptor(descriptor);
        var snapshot = _snapshot;
        var identity = Array.IndexOf(snapshot.Names, name);
        return identity < 0 ? null : TensorPrimitives.Distance(snapshot.Means.AsSpan(identity * Dimension, Dimension), descriptor);
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
    /// Identity names; per-row owner index, face record and 128 floats (only the first <see cref="Count"/> rows are
    /// live); each identity's mean descriptor, computed when the snapshot is made.
    /// </summary>
    private sealed record Snapshot(string[] Names, int[] Owners, EnrolledFace[] Faces, float[] Vectors, int Count, float[] Means)
    {
        public static readonly Snapshot Empty = new([], [], [], [], 0, []);

        public static Snapshot Create(string[] names, int[] owners, EnrolledFace[] faces, float[] vectors, int count)
        {
            var means = new float[names.Length * Dimension];
            var counts = new int[names.Length];
            for (var row = 0; row < count; row++)
            {
                var mean = means.AsSpan(owners[row] * Dimension, Dimension);
                TensorPrimitives.Add(mean, vectors.AsSpan(row * Dimension, Dimension), mean);
                counts[owners[row]]++;
            }
            for (var identity = 0; identity < names.Length; identity++)
            {
                var mean = means.AsSpan(identity * Dimension, Dimension);
                TensorPrimitives.Divide(mean, counts[identity], mean);
            }
            return new Snapshot(names, owners, faces, vectors, count, means);
        }
    }
}
