using System.ComponentModel.DataAnnotations;
using Microsoft.ML.OnnxRuntime;

namespace FaceRecognition.Vision.Inference;

/// <summary>How ONNX Runtime runs the models; defaults measured in bench/Vision.</summary>
public sealed class OnnxSessionOptions
{
    /// <summary>Threads inside one model run; 0 = one per core.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    public GraphOptimizationLevel GraphOptimization { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>ONNX Runtime's CPU arena: faster repeated runs, memory kept for the process's lifetime.</summary>
    public bool EnableMemoryArena { get; set; } = true;

    /// <summary>
    /// Let idle ONNX Runtime threads busy-wait for the next run. Off by default: each session has its own
    /// threads, and spinning ones steal the cores the next model needs (measured in bench/Vision: with 2 threads the
    /// 1080p pipeline took 91 ms spinning against 38 ms without).
    /// </summary>
    public bool AllowSpinning { get; set; }

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
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        return options;
    }
}
