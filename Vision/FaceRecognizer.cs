using System.Diagnostics;
using System.Numerics.Tensors;
using FaceRecognition.Identities;
using FaceRecognition.Vision.Descriptors;
using FaceRecognition.Vision.Detection;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;
using FaceRecognition.Vision.Landmarks;
using FaceRecognition.Vision.Quality;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Vision;

/// <summary>
/// The recognition engine every service uses: picture bytes in, faces with identities out. Thread-safe; create one
/// per process (it holds the ONNX sessions).
/// </summary>
public sealed class FaceRecognizer : IDisposable
{
    private readonly VisionOptions _options;
    private readonly VisionModels _models;
    private readonly FaceDetector _detector;
    private readonly LandmarkDetector _landmarks;
    private readonly DescriptorExtractor _descriptors;

    public FaceRecognizer(IOptions<VisionOptions> options)
    {
        _options = options.Value;
        _models = new VisionModels(_options.ResolveModelDirectory(), _options.Onnx);
        _detector = new FaceDetector(_models.Detector, _models.SmallDetector);
        _landmarks = new LandmarkDetector(_models.Landmarks);
        _descriptors = new DescriptorExtractor(_models.Descriptor);
    }

    public VisionOptions Options => _options;

    internal VisionModels Models => _models;

    internal LandmarkDetector Landmarks => _landmarks;

    internal DescriptorExtractor Descriptors => _descriptors;

    /// <exception cref="ImageRejectedException">Not a usable picture; the message says why.</exception>
    public RgbImage Decode(ReadOnlySpan<byte> encoded) => ImageDecoder.Decode(encoded, _options.Decode);

    /// <summary>Finds faces: detection boxes and scores only.</summary>
    public IReadOnlyList<FaceDetection> Detect(RgbImage image) =>
        _detector.Detect(image, _options.MinConfidence, _options.MaxFaces, _options.SmallImageSide);

    /// <summary>Detection, landmarks, alignment and descriptors of every face, in detection order (best score first).</summary>
    public IReadOnlyList<AnalyzedFace> Analyze(RgbImage image) => Analyze(image, out _);

    /// <exception cref="ImageRejectedException">Not a usable picture.</exception>
    public RecognitionResult Recognize(ReadOnlySpan<byte> encoded, Gallery gallery, float? threshold = null)
    {
        var start = Stopwatch.GetTimestamp();
        var image = Decode(encoded);
        var decodeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var result = Recognize(image, gallery, threshold);
        return result with { Timings = result.Timings with { DecodeMs = decodeMs } };
    }

    /// <summary>Every face with its identity, matched within <paramref name="threshold"/> (default: the configured
    /// <see cref="VisionOptions.MatchThreshold"/>).</summary>
    public RecognitionResult Recognize(RgbImage image, Gallery gallery, float? threshold = null)
    {
        var faces = Analyze(image, out var timings);
        var start = Stopwatch.GetTimestamp();
        var recognized = faces.Select(face =>
        {
            var match = gallery.Identify(face.Descriptor, threshold ?? _options.MatchThreshold);
            return new RecognizedFace(face, match.Name, match.Nearest?.Distance);
        }).ToArray();
        timings = timings with { MatchMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds };

        if (recognized.Length == 0)
        {
            return new RecognitionResult(image.Width, image.Height, recognized, IdentityName.Unknown, AnswerKind.NoFace, timings);
        }
        var answerFace = AnswerFace(faces);
        var largest = recognized.First(f => ReferenceEquals(f.Face, answerFace));
        var kind = largest.Name == IdentityName.Unknown ? AnswerKind.NoMatch : AnswerKind.Matched;
        return new RecognitionResult(image.Width, image.Height, recognized, largest.Name, kind, timings) { AnswerFace = largest };
    }

    /// <summary>
    /// The face a picture's answer is about: the largest face scoring at least <see cref="VisionOptions.ConfidentScore"/>,
    /// else the largest; null when there is none.
    /// </summary>
    public AnalyzedFace? AnswerFace(IReadOnlyList<AnalyzedFace> faces)
    {
        var confident = faces.Where(f => f.Score >= _options.ConfidentScore).ToArray();
        return (confident.Length > 0 ? confident : faces).MaxBy(f => f.Box.Area);
    }

    /// <summary>Whether two faces are the same person, by <paramref name="threshold"/> or the configured match threshold.</summary>
    public FaceVerification Verify(AnalyzedFace first, AnalyzedFace second, float? threshold = null) =>
        new(TensorPrimitives.Distance(first.Descriptor, second.Descriptor), threshold ?? _options.MatchThreshold);

    /// <summary>Whether a picture can enrol its person (<see cref="VisionOptions.Enrolment"/>): the face, its quality, or why not.</summary>
    public EnrolmentCheck CheckForEnrolment(RgbImage image) =>
        EnrolmentCheck.Judge(Analyze(image), face => FaceQuality.Of(image, face), _options.Enrolment);

    private List<AnalyzedFace> Analyze(RgbImage image, out RecognitionTimings timings)
    {
        var start = Stopwatch.GetTimestamp();
        var detections = Detect(image);
        var detectMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        start = Stopwatch.GetTimestamp();
        var boxes = detections.Select(d => d.Box).ToArray();
        var landmarks = _landmarks.Detect(image, boxes);
        var aligned = new FaceBox[boxes.Length];
        for (var i = 0; i < boxes.Length; i++)
        {
            if (landmarks[i] is { } face)
            {
                aligned[i] = DlibAlignment.Align(face.Points, face.Crop.Width, face.Crop.Height);
            }
        }
        var landmarksMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        start = Stopwatch.GetTimestamp();
        var withLandmarks = Enumerable.Range(0, boxes.Length).Where(i => landmarks[i] is not null).ToArray();
        var descriptors = _descriptors.Extract(image, [.. withLandmarks.Select(i => aligned[i])], _options.MirrorAveragedDescriptors);
        var descriptorMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        var faces = new List<AnalyzedFace>();
        for (var n = 0; n < withLandmarks.Length; n++)
        {
            var i = withLandmarks[n];
            if (descriptors[n] is { } descriptor)
            {
                faces.Add(new AnalyzedFace(detections[i].Score, boxes[i], landmarks[i]!.Points, aligned[i], descriptor));
            }
        }
        timings = new RecognitionTimings(0, detectMs, landmarksMs, descriptorMs, 0);
        return faces;
    }

    public void Dispose() => _models.Dispose();
}
