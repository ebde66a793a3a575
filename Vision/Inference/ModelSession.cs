using Microsoft.ML.OnnxRuntime;

namespace FaceRecognition.Vision.Inference;

/// <summary>
/// One ONNX model loaded once per process and run concurrently by any number of callers (InferenceSession.Run is
/// thread-safe). Inputs are NCHW float batches of square pictures.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string[] _outputNames;

    public ModelSession(string path, OnnxSessionOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file {path} is missing; the models/ folder is copied next to every assembly that references Vision.", path);
        }
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
        using var outputs = _session.Run(runOptions, [_inputName], [inputValue], _outputNames);
        var results = new float[outputs.Count][];
        for (var i = 0; i < outputs.Count; i++)
        {
            results[i] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
        }
        return results;
    }

    public void Dispose() => _session.Dispose();
}
