using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.ML.OnnxRuntime;

namespace FaceRecognition.Vision.Inference;

/// <summary>
/// One ONNX model loaded once per process and run concurrently by any number of callers (InferenceSession.Run is
/// thread-safe). Inputs are NCHW float batches of square pictures. Each run's time is recorded per network
/// (<c>facerec.inference.duration</c>, tagged with the model file's name), for the dashboard's charts.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    public const string MeterName = "FaceRecognition.Vision";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>("facerec.inference.duration", "ms",
        "One ONNX Runtime run of a network, by network");
    private readonly KeyValuePair<string, object?> _network;
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string[] _outputNames;

    public ModelSession(string path, OnnxSessionOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file {path} is missing; the models/ folder is copied next to every assembly that references Vision.", path);
        }
        _network = new KeyValuePair<string, object?>("facerec.network", Path.GetFileNameWithoutExtension(path));
        using var sessionOptions = options.Create();
        _session = new InferenceSession(path, sessionOptions);
        _inputName = _session.InputNames[0];
        _outputNames = [.. _session.OutputNames];
        InputSize = (int)_session.InputMetadata[_inputName].Dimensions[^1];
    }

    /// <summary>Side of the square input in pixels.</summary>
    public int InputSize { get; }

    /// <summary>Runs <paramref name="batch"/> inputs and copies each output into a new array, in output order.</summary>
    public float[][] Run(float[] input, int batch)
    {
        var shape = new long[] { batch, 3, InputSize, InputSize };
        var count = batch * 3 * InputSize * InputSize;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, count), shape);
        using var runOptions = new RunOptions();
        var started = Stopwatch.GetTimestamp();
        using var outputs = _session.Run(runOptions, [_inputName], [inputValue], _outputNames);
        s_duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, _network);
        var results = new float[outputs.Count][];
        for (var i = 0; i < outputs.Count; i++)
        {
            results[i] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
        }
        return results;
    }

    public void Dispose() => _session.Dispose();
}
