using System.Globalization;

namespace FaceRecognition.LoadGen;

/// <summary>A run's progress on one line of the terminal (rewritten in place), at most five times a second.</summary>
internal sealed class ProgressLine(TextWriter output) : IProgress<LoadProgress>
{
    private readonly Lock _lock = new();
    private double _shownAt = double.NegativeInfinity;

    public void Report(LoadProgress value)
    {
        lock (_lock)
        {
            if (value.Done < value.Requests && value.Seconds - _shownAt < 0.2)
            {
                return;
            }
            _shownAt = value.Seconds;
            var rate = value.Seconds > 0 ? value.Done / value.Seconds : 0;
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r{value.Done}/{value.Requests} answered ({100.0 * value.Done / value.Requests:F0} %), {value.Errors} errors, {value.Retried} retried, {rate:F0}/s, {value.Seconds:F1} s "));
        }
    }
}
