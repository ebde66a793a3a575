using System.ComponentModel.DataAnnotations;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>Configuration section "Function": how the host runs a handler (the local event source's settings mirror a
/// Lambda SQS event source mapping: batch size, reserved concurrency, timeout, receives before dead-lettering).</summary>
public sealed class FunctionOptions
{
    public const string SectionName = "Function";

    /// <summary>The queue the bucket's notifications arrive on (local mode); each function sets its own default.</summary>
    [Required]
    public string Queue { get; set; } = "";

    /// <summary>Messages taken per receive, 1 to 10 (SQS's maximum).</summary>
    [Range(1, 10)]
    public int BatchSize { get; set; } = 10;

    /// <summary>Invocations running at once, like reserved concurrency.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>An invocation is cancelled after this long and counts as failed.</summary>
    [Range(1, 900)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>A failing event is dead-lettered, with its cause, on this receive.</summary>
    [Range(1, 100)]
    public int MaxReceiveCount { get; set; } = 3;

    /// <summary>Seconds a long poll waits for messages (SQS's maximum is 20).</summary>
    [Range(0, 20)]
    public int WaitTimeSeconds { get; set; } = 20;
}
