namespace FaceRecognition.Tests.Support;

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after the timeout.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what}");
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public static Task Until(Func<bool> condition, TimeSpan timeout, string what) => Until(() => Task.FromResult(condition()), timeout, what);
}
