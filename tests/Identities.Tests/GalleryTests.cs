using FaceRecognition.Identities;

namespace FaceRecognition.Identities.Tests;

public sealed class GalleryTests
{
    [Fact]
    public void The_nearest_identity_within_the_threshold_is_the_answer()
    {
        var gallery = new Gallery();
        gallery.Enroll("Alice", [Vector(1, 0)]);
        gallery.Enroll("Bob", [Vector(0, 1)]);

        var match = gallery.Identify(Vector(0.9f, 0.1f), threshold: 0.6f, topK: 2);

        Assert.Equal("Alice", match.Name);
        Assert.True(match.IsMatch);
        Assert.Equal(["Alice", "Bob"], match.Candidates.Select(c => c.Name));
        Assert.Equal(MathF.Sqrt(0.02f), match.Candidates[0].Distance, 1e-6f);
        Assert.Equal(MathF.Sqrt(0.81f + 0.81f), match.Candidates[1].Distance, 1e-6f);
    }

    [Fact]
    public void A_probe_past_the_threshold_is_unknown_but_still_reports_the_nearest()
    {
        var gallery = new Gallery();
        gallery.Enroll("Alice", [Vector(1, 0)]);

        var match = gallery.Identify(Vector(0, 1), threshold: 0.6f);

        Assert.Equal(IdentityName.Unknown, match.Name);
        Assert.Equal("Alice", match.Nearest!.Value.Name);
        Assert.Equal(MathF.Sqrt(2), match.Nearest.Value.Distance, 1e-6f);
    }

    [Fact]
    public void An_empty_gallery_answers_unknown() =>
        Assert.Equal(IdentityName.Unknown, new Gallery().Identify(Vector(1, 0), 0.6f).Name);

    [Fact]
    public void An_identity_is_as_near_as_the_mean_of_its_faces_so_one_stray_face_does_not_capture_probes()
    {
        var gallery = new Gallery();
        gallery.Enroll("Alice", [Vector(1, 0), Vector(0, 1)]);
        gallery.Enroll("Bob", [Vector(0.1f, 0.9f)]);

        // Alice's face (0, 1) is nearer the probe than Bob's, but Alice's mean (0.5, 0.5) is far from it.
        var match = gallery.Identify(Vector(0, 0.95f), threshold: 0.6f, topK: 5);

        Assert.Equal("Bob", match.Name);
        Assert.Equal(MathF.Sqrt(0.01f + 0.0025f), match.Candidates[0].Distance, 1e-6f);
        Assert.Equal(MathF.Sqrt(0.25f + 0.2025f), match.Candidates[1].Distance, 1e-6f);
        Assert.Equal(2, match.Candidates.Count);
    }

    [Fact]
    public void The_mean_follows_enrolment_and_removal_of_other_identities()
    {
        var gallery = new Gallery();
        gallery.Enroll("Carol", [Vector(0, 1)]);
        gallery.Enroll("Alice", [Vector(1, 0)]);
        gallery.Enroll("Alice", [Vector(0.6f, 0)]);
        Assert.True(gallery.Remove("Carol"));

        var match = gallery.Identify(Vector(0.8f, 0), threshold: 0.6f);

        Assert.Equal("Alice", match.Name);
        Assert.Equal(0, match.Nearest!.Value.Distance, 1e-6f);
    }

    [Fact]
    public void Enrolling_again_adds_faces_and_removing_forgets_the_identity()
    {
        var gallery = new Gallery();
        gallery.Enroll("Alice", [Vector(1, 0)]);
        gallery.Enroll("Bob", [Vector(0, 1)]);
        gallery.Enroll("Alice", [Vector(0.7f, 0.7f)]);

        Assert.Equal([("Alice", 2), ("Bob", 1)], gallery.Identities);
        Assert.True(gallery.Remove("Alice"));
        Assert.False(gallery.Remove("Alice"));
        Assert.Equal([("Bob", 1)], gallery.Identities);
        Assert.Equal("Bob", gallery.Identify(Vector(0.1f, 0.9f), 0.6f).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc")]
    [InlineData("has space")]
    [InlineData("..")]
    [InlineData("naïve")]
    public void Invalid_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new Gallery().Enroll(name, [Vector(1, 0)]));

    [Fact]
    public void Descriptors_of_the_wrong_size_or_with_nan_are_refused()
    {
        var gallery = new Gallery();
        Assert.Throws<ArgumentException>(() => gallery.Enroll("Alice", [new float[127]]));
        var nan = Vector(1, 0);
        nan[5] = float.NaN;
        Assert.Throws<ArgumentException>(() => gallery.Enroll("Alice", [nan]));
        Assert.Throws<ArgumentException>(() => gallery.Identify(nan, 0.6f));
        Assert.Equal(0, gallery.FaceCount);
    }

    [Fact]
    public void Save_and_load_give_back_the_same_gallery_with_each_face_s_id_time_and_source()
    {
        var gallery = new Gallery();
        var at = new DateTimeOffset(2026, 12, 8, 10, 30, 15, 123, TimeSpan.Zero);
        gallery.Enroll("Alice", [(Random(1), "alice-1.jpg"), (Random(2), "ålice ✓.png")], at);
        gallery.Enroll("Bob.Smith-2", [Random(3)]);
        using var stream = new MemoryStream();
        gallery.Save(stream);

        stream.Position = 0;
        var loaded = Gallery.Load(stream);

        Assert.Equal(gallery.Identities, loaded.Identities);
        Assert.Equal(gallery.FacesOf("Alice"), loaded.FacesOf("Alice"));
        Assert.Equal(gallery.FacesOf("Bob.Smith-2"), loaded.FacesOf("Bob.Smith-2"));
        Assert.Equal(["alice-1.jpg", "ålice ✓.png"], loaded.FacesOf("Alice")!.Select(f => f.Source));
        Assert.All(loaded.FacesOf("Alice")!, f => Assert.Equal(at, f.EnrolledAt));
        var probe = Random(2);
        Assert.Equal(gallery.Identify(probe, 0.6f, 2).Candidates, loaded.Identify(probe, 0.6f, 2).Candidates);
        const int face = 8 + 8 + 1 + 512;
        Assert.Equal(8 + 4 + 4 + (1 + 5 + 4 + (2 * face) + 11 + 14) + (1 + 11 + 4 + face) + 4, stream.Length);
    }

    [Fact]
    public void A_version_1_gallery_still_loads_with_the_same_face_ids_every_time()
    {
        // Version 1: the 128 floats per face alone.
        using var body = new MemoryStream();
        body.Write("FRGALLRY"u8);
        body.Write([1, 0, 128, 0, 1, 0, 0, 0, 1, (byte)'A', 2, 0, 0, 0]);
        foreach (var vector in new[] { Vector(1, 0), Vector(0, 1) })
        {
            body.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        body.Write(BitConverter.GetBytes(System.IO.Hashing.Crc32.HashToUInt32(body.ToArray())));

        var first = Gallery.Load(new MemoryStream(body.ToArray()));
        var second = Gallery.Load(new MemoryStream(body.ToArray()));

        Assert.Equal(2, first.FacesOf("A")!.Count);
        Assert.Equal(first.FacesOf("A"), second.FacesOf("A"));
        Assert.All(first.FacesOf("A")!, f => Assert.True(EnrolledFace.IsValidId(f.Id)));
        Assert.NotEqual(first.FacesOf("A")![0].Id, first.FacesOf("A")![1].Id);
        Assert.Equal(0, first.Identify(Vector(0.5f, 0.5f), 0.1f).Nearest!.Value.Distance, 1e-6f);
    }

    [Fact]
    public void One_face_is_removed_by_its_id_and_the_identity_goes_with_its_last_face()
    {
        var gallery = new Gallery();
        var faces = gallery.Enroll("Alice", [Vector(1, 0), Vector(0, 1)]);
        gallery.Enroll("Bob", [Vector(1, 1)]);

        Assert.False(gallery.RemoveFace("Alice", "0000000000000000"));
        Assert.False(gallery.RemoveFace("Bob", faces[0].Id));
        Assert.True(gallery.RemoveFace("Alice", faces[0].Id));

        Assert.Equal([faces[1]], gallery.FacesOf("Alice"));
        Assert.Equal(0, gallery.DistanceTo("Alice", Vector(0, 1))!.Value, 1e-6f);
        Assert.Equal(0, gallery.DistanceTo("Bob", Vector(1, 1))!.Value, 1e-6f);
        Assert.True(gallery.RemoveFace("Alice", faces[1].Id));
        Assert.False(gallery.Contains("Alice"));
        Assert.Null(gallery.FacesOf("Alice"));
        Assert.Null(gallery.DistanceTo("Alice", Vector(0, 1)));
        Assert.Equal([("Bob", 1)], gallery.Identities);
    }

    [Fact]
    public void A_source_name_is_kept_without_control_characters_and_within_255_bytes()
    {
        var gallery = new Gallery();
        gallery.Enroll("A", [(Vector(1, 0), "bad\nname\u0000.jpg"), (Vector(0, 1), new string('é', 300))], DateTimeOffset.UnixEpoch);

        var sources = gallery.FacesOf("A")!.Select(f => f.Source).ToArray();

        Assert.Equal("badname.jpg", sources[0]);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(sources[1]) <= EnrolledFace.MaxSourceBytes);
        using var stream = new MemoryStream();
        gallery.Save(stream);
        stream.Position = 0;
        Assert.Equal(gallery.FacesOf("A"), Gallery.Load(stream).FacesOf("A"));
    }

    [Fact]
    public void Damaged_gallery_files_are_refused_with_the_reason()
    {
        var gallery = new Gallery();
        gallery.Enroll("Alice", [Random(1)]);
        using var stream = new MemoryStream();
        gallery.Save(stream);
        var good = stream.ToArray();

        Assert.Contains("header", Load([.. "NOTAGALLERYFILE!"u8]), StringComparison.Ordinal);
        Assert.Contains("checksum", Load([.. good[..^5], 0, .. good[^4..]]), StringComparison.Ordinal);
        var flipped = (byte[])good.Clone();
        flipped[30] ^= 0xFF;
        Assert.Contains("checksum", Load(flipped), StringComparison.Ordinal);
        Assert.Contains("header", Load(good[..10]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gallery_file_claiming_billions_of_faces_is_refused_without_allocating_them()
    {
        // A valid checksum over a header that claims 4 billion faces for one identity.
        using var body = new MemoryStream();
        body.Write("FRGALLRY"u8);
        body.Write([1, 0, 128, 0, 1, 0, 0, 0, 1, (byte)'A', 0xFF, 0xFF, 0xFF, 0xFF]);
        var crc = System.IO.Hashing.Crc32.HashToUInt32(body.ToArray());
        body.Write(BitConverter.GetBytes(crc));

        Assert.Contains("shorter", Load(body.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readers_never_see_a_half_enrolled_identity()
    {
        var gallery = new Gallery();
        gallery.Enroll("seed", [Vector(1, 0)]);
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var match = gallery.Identify(Vector(0, 1), 0.6f, topK: 1000);
                // Every identity enrolled so far has exactly the face Vector(0, 1) or is "seed".
                foreach (var candidate in match.Candidates.Where(c => c.Name != "seed"))
                {
                    if (candidate.Distance > 1e-6f)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })).ToArray();

        for (var i = 0; i < 2000; i++)
        {
            gallery.Enroll($"person{i}", [Vector(0, 1)]);
            if (i % 10 == 9)
            {
                gallery.Remove($"person{i - 5}");
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, failures);
        Assert.Equal(1 + 2000 - 200, gallery.Identities.Count);
    }

    private static string Load(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return Assert.Throws<InvalidDataException>(() => Gallery.Load(stream)).Message;
    }

    private static float[] Vector(float a, float b)
    {
        var vector = new float[Gallery.Dimension];
        vector[0] = a;
        vector[1] = b;
        return vector;
    }

    private static float[] Random(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Gallery.Dimension).Select(_ => (float)random.NextDouble() - 0.5f)];
    }
}
