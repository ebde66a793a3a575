using System.IO.Compression;
using FaceRecognition.Bench;

namespace FaceRecognition.VisionBench;

/// <summary>
/// The two pictures every measurement uses, written as JPEG so that face-api (jpeg-js) and the engine read the same
/// files: a 1920x1080 frame with one face (the first frame of the original workload's test_01.mp4) and a 64x64 face
/// crop (the original image workload's test_000.jpg).
/// </summary>
internal static class BenchInputs
{
    public static string Folder { get; } = Path.Combine(RepositoryRoot(), ".cache", "bench-vision");

    public static string Frame1080 => Path.Combine(Folder, "frame-1080p.jpg");

    public static string Crop64 => Path.Combine(Folder, "crop-64.jpg");

    public static void Prepare()
    {
        Directory.CreateDirectory(Folder);
        var datasets = Environment.GetEnvironmentVariable("FACEREC_DATASETS") is { Length: > 0 } d ? d : Path.Combine(RepositoryRoot(), "..", "shared", "datasets");
        var video = Path.Combine(datasets, "asu-videos", "test_01.mp4");
        var faces = Path.Combine(datasets, "asu-faces", "face_images_1000.zip");
        if (!File.Exists(video) || !File.Exists(faces))
        {
            throw new FileNotFoundException($"The benchmark runs on the original workloads; set FACEREC_DATASETS (looked in {datasets}).");
        }
        if (!File.Exists(Frame1080))
        {
            BenchProcess.Run("ffmpeg", "-v", "error", "-y", "-i", video, "-frames:v", "1", "-q:v", "2", Frame1080);
        }
        if (!File.Exists(Crop64))
        {
            using var zip = ZipFile.OpenRead(faces);
            zip.GetEntry("face_images_1000/test_000.jpg")!.ExtractToFile(Crop64, overwrite: true);
        }
    }

    public static string RepositoryRoot() => FaceRecognition.Bench.BenchMachine.RepositoryRoot();
}
