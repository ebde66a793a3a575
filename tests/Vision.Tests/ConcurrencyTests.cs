using FaceRecognition.Vision.Tests.Support;

namespace FaceRecognition.Vision.Tests;

public sealed class ConcurrencyTests(RecognizerFixture engine)
{
    [Fact]
    public async Task One_engine_serves_concurrent_callers_with_the_same_answers_as_one_at_a_time()
    {
        string[] pictures = ["sample1.jpg", "sample2.jpg", "sample5.jpg"];
        var bytes = pictures.Select(p => File.ReadAllBytes(TestData.FaceApiDemo(p))).ToArray();
        var expected = bytes.Select(b => engine.Recognizer.Analyze(engine.Recognizer.Decode(b))).ToArray();

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            (Index: i % bytes.Length, Faces: engine.Recognizer.Analyze(engine.Recognizer.Decode(bytes[i % bytes.Length]))))));

        foreach (var (index, faces) in concurrent)
        {
            Assert.Equal(expected[index].Count, faces.Count);
            for (var f = 0; f < faces.Count; f++)
            {
                Assert.Equal(expected[index][f].Box, faces[f].Box);
                Assert.Equal(expected[index][f].Descriptor, faces[f].Descriptor);
            }
        }
    }
}
