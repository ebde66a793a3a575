namespace FaceRecognition.Vision.Tests;

public sealed class LookupTableTests
{
    [Fact]
    public void Answers_by_file_stem_or_file_name()
    {
        var table = LookupTable.Parse("Image,Results\r\ntest_000,Paul\r\ntest_001,Emily\r\n");

        Assert.Equal(2, table.Count);
        Assert.True(table.TryGetName("test_000", out var name));
        Assert.Equal("Paul", name);
        Assert.True(table.TryGetName("test_001.jpg", out name));
        Assert.Equal("Emily", name);
        Assert.False(table.TryGetName("test_002", out _));
    }

    [Theory]
    [InlineData("Video,Name\ntest_00,Trump", "header")]
    [InlineData("", "header")]
    [InlineData("Image,Results\ntest_000", "line 2")]
    [InlineData("Image,Results\ntest_000,Paul\ntest_001,Paul,extra", "line 3")]
    [InlineData("Image,Results\n../x,Paul", "line 2")]
    public void Malformed_tables_are_refused_naming_the_problem(string csv, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => LookupTable.Parse(csv));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_original_label_table_loads_with_all_1000_images()
    {
        var table = LookupTable.LoadFromFile(Path.Combine(Support.TestData.Dataset("asu-faces"), "labels.csv"));

        Assert.Equal(1000, table.Count);
        Assert.True(table.TryGetName("test_000.jpg", out var name));
        Assert.Equal("Paul", name);
    }
}
