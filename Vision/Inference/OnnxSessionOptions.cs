using System.ComponentModel.DataAnnotations;
using Microsoft.ML.OnnxRuntime;

namespace FaceRecognition.Vision.Inference;

/// <summary>How ONNX Runtime runs the three models; defaults measured in bench/Vision.</summary>
public sealed class OnnxSessionOptions
{
    /// <summary>Threads inside one model run; 0 = one per core.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    public GraphOptimizationLevel GraphOptimization { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>ONNX Runtime's CPU arena: faster repeated runs, memory kept for the process's lifetime.</summary>
    public bool EnableMemoryArena { get; set; } = true;

    internal SessionOptions Create()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimization,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
            IntraOpNumThreads = IntraOpThreads,
            EnableCpuMemArena = EnableMemoryArena,
        };
        return options;
    }
}
