namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// Logistic regression for a handful of features and a few hundred examples: features standardised, L2-regularised
/// gradient descent, the result expressed on the raw features (weights and bias) so it can be stored and applied as is.
/// </summary>
public static class LogisticModel
{
    public static (double[] Weights, double Bias) Fit(IReadOnlyList<double[]> x, IReadOnlyList<int> y, double l2 = 0.01, int iterations = 2000)
    {
        if (x.Count == 0 || x.Count != y.Count) throw new ArgumentException("Fitting needs as many labels as examples, and at least one.");
        var d = x[0].Length;
        var mean = Enumerable.Range(0, d).Select(j => x.Average(r => r[j])).ToArray();
        var scale = Enumerable.Range(0, d).Select(j => Math.Sqrt(x.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])))).Select(s => s < 1e-9 ? 1 : s).ToArray();
        var z = x.Select(r => r.Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToList();
        var w = new double[d];
        var b = 0.0;
        const double Rate = 0.5;
        for (var it = 0; it < iterations; it++)
        {
            var gw = new double[d];
            var gb = 0.0;
            for (var i = 0; i < z.Count; i++)
            {
                var error = Sigmoid(b + Dot(w, z[i])) - y[i];
                gb += error;
                for (var j = 0; j < d; j++) gw[j] += error * z[i][j];
            }
            b -= Rate * gb / z.Count;
            for (var j = 0; j < d; j++) w[j] -= Rate * (gw[j] / z.Count + l2 * w[j]);
        }
        // Back to raw features: w·(x − mean)/scale + b.
        var weights = w.Select((v, j) => v / scale[j]).ToArray();
        var bias = b - weights.Select((v, j) => v * mean[j]).Sum();
        return (weights, bias);
    }

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var j = 0; j < a.Length; j++) s += a[j] * b[j];
        return s;
    }
}
