namespace FaceRecognition.ModelConverter;

/// <summary>Folds per-output-channel affine layers into the convolution before them, in double precision.</summary>
internal static class Folding
{
    /// <summary>
    /// conv(x, W) then (y - mean) * gamma / sqrt(variance + epsilon) + beta equals conv(x, W * k) + (beta - mean * k)
    /// with k = gamma / sqrt(variance + epsilon). The last axis of <paramref name="filter"/> is the output channel
    /// (for a depthwise filter [kh, kw, C, 1] it is the C axis, so pass <paramref name="channels"/> = C).
    /// </summary>
    public static (float[] Filter, float[] Bias) BatchNorm(float[] filter, int channels, float[] gamma, float[] beta,
        float[] mean, float[] variance, float epsilon)
    {
        var factor = new double[channels];
        var bias = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            factor[c] = gamma[c] / Math.Sqrt(variance[c] + (double)epsilon);
            bias[c] = (float)(beta[c] - (mean[c] * factor[c]));
        }
        return (Scale(filter, factor), bias);
    }

    /// <summary>(conv(x, W) + b) * s + t equals conv(x, W * s) + (b * s + t).</summary>
    public static (float[] Filter, float[] Bias) Affine(float[] filter, float[] bias, float[] scale, float[] shift)
    {
        var channels = bias.Length;
        var factor = new double[channels];
        var folded = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            factor[c] = scale[c];
            folded[c] = (float)((bias[c] * (double)scale[c]) + shift[c]);
        }
        return (Scale(filter, factor), folded);
    }

    private static float[] Scale(float[] filter, double[] factorPerLastAxis)
    {
        var channels = factorPerLastAxis.Length;
        var scaled = new float[filter.Length];
        for (var i = 0; i < filter.Length; i++)
        {
            scaled[i] = (float)(filter[i] * factorPerLastAxis[i % channels]);
        }
        return scaled;
    }
}
