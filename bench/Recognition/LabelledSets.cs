using System.Globalization;
using FaceRecognition.Bench;

namespace FaceRecognition.RecognitionBench;

/// <summary>A labelled pair of still photos (deepface's verification pairs).</summary>
internal sealed record PhotoPair(string First, string Second, bool SamePerson);

/// <summary>A still photo and who it shows (derived from the pairs: photos joined by a same-person pair are one person).</summary>
internal sealed record LabelledPhoto(string Path, string Person);

/// <summary>A frame of one of the original videos, its time and the person the video shows.</summary>
internal sealed record VideoFrame(string Path, string Person, string Video, double Seconds)
{
    /// <summary>Frames at t >= 1 s enrol; earlier frames probe (never the same frame).</summary>
    public bool Enrols => Seconds >= 1.0;
}

/// <summary>Every labelled set the repository's datasets hold, read from FACEREC_DATASETS.</summary>
internal sealed class LabelledSets
{
    private static readonly double[] s_frameTimes = [0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0];

    public required IReadOnlyList<PhotoPair> Pairs { get; init; }

    public required IReadOnlyList<LabelledPhoto> Photos { get; init; }

    public required IReadOnlyList<VideoFrame> Frames { get; init; }

    /// <summary>The 10 distinct 64x64 face crops of the original image workload (for the cost of small pictures).</summary>
    public required IReadOnlyList<byte[]> SmallCrops { get; init; }

    public IEnumerable<string> AllPictures => Photos.Select(p => p.Path).Concat(Frames.Select(f => f.Path));

    public static LabelledSets Load(string datasets, string cache)
    {
        var photos = Path.Combine(datasets, "deepface-pairs");
        var videos = Path.Combine(datasets, "asu-videos");
        if (!File.Exists(Path.Combine(photos, "pairs.csv")) || !File.Exists(Path.Combine(videos, "labels.csv")) ||
            !File.Exists(Path.Combine(datasets, "asu-faces", "face_images_1000.zip")))
        {
            throw new FileNotFoundException($"The evaluation needs deepface-pairs/, asu-videos/ and asu-faces/; set FACEREC_DATASETS (looked in {datasets}).");
        }
        var pairs = File.ReadLines(Path.Combine(photos, "pairs.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .Select(c => new PhotoPair(Path.Combine(photos, c[0]), Path.Combine(photos, c[1]), c[2].Trim() == "yes"))
            .ToArray();
        using var crops = System.IO.Compression.ZipFile.OpenRead(Path.Combine(datasets, "asu-faces", "face_images_1000.zip"));
        var small = Enumerable.Range(0, 10).Select(i =>
        {
            using var entry = crops.GetEntry($"face_images_1000/test_{i:000}.jpg")!.Open();
            using var copy = new MemoryStream();
            entry.CopyTo(copy);
            return copy.ToArray();
        }).ToArray();
        return new LabelledSets { Pairs = pairs, Photos = PeopleOf(pairs), Frames = ExtractFrames(videos, Path.Combine(cache, "frames")), SmallCrops = small };
    }

    /// <summary>Photos joined by same-person pairs belong to one person, named after the first of their photos.</summary>
    private static LabelledPhoto[] PeopleOf(IReadOnlyList<PhotoPair> pairs)
    {
        var parent = new Dictionary<string, string>();
        string Find(string photo)
        {
            parent.TryAdd(photo, photo);
            return parent[photo] == photo ? photo : parent[photo] = Find(parent[photo]);
        }
        foreach (var pair in pairs)
        {
            var (a, b) = (Find(pair.First), Find(pair.Second));
            if (pair.SamePerson && a != b)
            {
                parent[b] = a;
            }
        }
        return [.. parent.Keys.Order(StringComparer.Ordinal).Select(p => new LabelledPhoto(p, "person-" + Path.GetFileNameWithoutExtension(Find(p))))];
    }

    /// <summary>Frames at 0, 0.25, 0.5 ... s of each video (as JPEG, kept in the cache), up to its duration.</summary>
    private static VideoFrame[] ExtractFrames(string videos, string folder)
    {
        Directory.CreateDirectory(folder);
        var frames = new List<VideoFrame>();
        foreach (var row in File.ReadLines(Path.Combine(videos, "labels.csv")).Skip(1).Where(l => l.Length > 0))
        {
            var (video, person) = (row.Split(',')[0], row.Split(',')[1].Trim());
            var file = Path.Combine(videos, video + ".mp4");
            var duration = double.Parse(BenchProcess.Run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file).Trim(), CultureInfo.InvariantCulture);
            foreach (var seconds in s_frameTimes.Where(t => t < duration - 0.02))
            {
                var frame = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{video}-{seconds:0.00}s.jpg"));
                if (!File.Exists(frame))
                {
                    BenchProcess.Run("ffmpeg", "-v", "error", "-y", "-ss", seconds.ToString(CultureInfo.InvariantCulture), "-i", file, "-frames:v", "1", "-q:v", "2", frame);
                }
                frames.Add(new VideoFrame(frame, person, video, seconds));
            }
        }
        return [.. frames];
    }
}
