namespace FaceRecognition.Vision.Detection;

/// <summary>
/// face-api's greedy non-maximum suppression: candidates above the score threshold, best first (ties keep anchor
/// order), each kept unless it overlaps a kept box by IoU above the threshold.
/// </summary>
internal static class NonMaxSuppression
{
    /// <param name="boxes">(ymin, xmin, ymax, xmax) per anchor.</param>
    public static List<int> Select(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, int maxOutput, float iouThreshold, float scoreThreshold)
    {
        var candidates = new List<int>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > scoreThreshold)
            {
                candidates.Add(i);
            }
        }
        var ordered = scores.ToArray();
        candidates = [.. candidates.OrderByDescending(i => ordered[i])];

        var limit = Math.Min(maxOutput, scores.Length);
        var selected = new List<int>();
        foreach (var candidate in candidates)
        {
            if (selected.Count >= limit)
            {
                break;
            }
            var suppressed = false;
            foreach (var kept in selected)
            {
                if (IntersectionOverUnion(boxes, candidate, kept) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed)
            {
                selected.Add(candidate);
            }
        }
        return selected;
    }

    internal static double IntersectionOverUnion(ReadOnlySpan<float> boxes, int i, int j)
    {
        var a = boxes.Slice(i * 4, 4);
        var b = boxes.Slice(j * 4, 4);
        double yMinA = Math.Min(a[0], a[2]), xMinA = Math.Min(a[1], a[3]), yMaxA = Math.Max(a[0], a[2]), xMaxA = Math.Max(a[1], a[3]);
        double yMinB = Math.Min(b[0], b[2]), xMinB = Math.Min(b[1], b[3]), yMaxB = Math.Max(b[0], b[2]), xMaxB = Math.Max(b[1], b[3]);
        var areaA = (yMaxA - yMinA) * (xMaxA - xMinA);
        var areaB = (yMaxB - yMinB) * (xMaxB - xMinB);
        if (areaA <= 0 || areaB <= 0)
        {
            return 0;
        }
        var intersection = Math.Max(Math.Min(yMaxA, yMaxB) - Math.Max(yMinA, yMinB), 0)
            * Math.Max(Math.Min(xMaxA, xMaxB) - Math.Max(xMinA, xMinB), 0);
        return intersection / (areaA + areaB - intersection);
    }
}
