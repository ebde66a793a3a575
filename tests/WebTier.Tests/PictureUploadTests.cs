namespace FaceRecognition.WebTier.Tests;

public sealed class PictureUploadTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0 }, ".jpg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, ".png")]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'E', (byte)'B', (byte)'P', 0 }, ".webp")]
    [InlineData(new byte[] { (byte)'B', (byte)'M', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, ".bmp")]
    [InlineData(new byte[] { (byte)'B', (byte)'M' }, null)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'A', (byte)'V', (byte)'E' }, null)]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, null)]
    [InlineData(new byte[] { 0xFF, 0xD8 }, null)]
    [InlineData(new byte[0], null)]
    public void Pictures_are_recognised_by_their_bytes_not_their_name(byte[] head, string? extension) =>
        Assert.Equal(extension, PictureUpload.SniffExtension(head));

    [Theory]
    [InlineData("test_000.jpg", "test_000")]
    [InlineData("a.b-c_d.png", "a.b-c_d")]
    [InlineData("noextension", "noextension")]
    public void Safe_file_names_give_their_stem(string fileName, string stem)
    {
        Assert.True(PictureUpload.TryGetStem(fileName, out var actual, out var problem), problem);
        Assert.Equal(stem, actual);
    }

    [Theory]
    [InlineData(null, "no name")]
    [InlineData("", "no name")]
    [InlineData("../../etc/passwd.jpg", "path")]
    [InlineData("..\\x.jpg", "path")]
    [InlineData("a\u0000b.jpg", "control")]
    [InlineData("a\nb.jpg", "control")]
    [InlineData("has space.jpg", "not allowed")]
    [InlineData("naïve.jpg", "not allowed")]
    [InlineData("...jpg", "not allowed")]
    public void Unsafe_file_names_are_refused_saying_why(string? fileName, string expected)
    {
        Assert.False(PictureUpload.TryGetStem(fileName, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stem_longer_than_128_characters_is_refused()
    {
        Assert.True(PictureUpload.TryGetStem(new string('a', 128) + ".jpg", out _, out _));
        Assert.False(PictureUpload.TryGetStem(new string('a', 129) + ".jpg", out _, out _));
    }
}
