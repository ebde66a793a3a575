using System.Xml.Linq;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>Each production project depends only on what its part needs, read from the project files with their
/// project references followed: the engine knows nothing of AWS, the cloud library nothing of faces, the web tier
/// nothing of models.</summary>
public sealed class ProjectGraphTests
{
    [Theory]
    [InlineData("WebTier/WebTier.csproj", "Identities.csproj", new[] { "Vision.csproj", "Microsoft.ML.OnnxRuntime", "SkiaSharp" })]
    [InlineData("Vision/Vision.csproj", "Microsoft.ML.OnnxRuntime", new[] { "Cloud.csproj", "AWSSDK.Core", "AWSSDK.S3", "AWSSDK.SQS" })]
    [InlineData("Identities/Identities.csproj", "System.IO.Hashing", new[] { "Vision.csproj", "Cloud.csproj", "Microsoft.ML.OnnxRuntime", "AWSSDK.Core" })]
    [InlineData("Cloud/Cloud.csproj", "AWSSDK.SQS", new[] { "Vision.csproj", "Identities.csproj", "Microsoft.ML.OnnxRuntime" })]
    public void A_project_reaches_what_its_part_needs_and_none_of_what_it_has_no_business_with(string project, string needed, string[] forbidden)
    {
        var reached = Closure(Path.Combine(TestFiles.RepositoryRoot(), project));

        Assert.Contains(needed, reached);
        Assert.Equal([], forbidden.Where(reached.Contains).ToArray());
    }

    /// <summary>The project files (by file name) and packages a project reaches through its project references.</summary>
    private static HashSet<string> Closure(string projectFile)
    {
        var reached = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([Path.GetFullPath(projectFile)]);
        while (pending.TryPop(out var file))
        {
            foreach (var item in XDocument.Load(file).Descendants())
            {
                var include = item.Attribute("Include")?.Value;
                if (include is null) continue;
                if (item.Name.LocalName == "PackageReference")
                {
                    reached.Add(include);
                }
                else if (item.Name.LocalName == "ProjectReference")
                {
                    var referenced = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, include.Replace('\\', Path.DirectorySeparatorChar)));
                    if (reached.Add(Path.GetFileName(referenced)))
                    {
                        pending.Push(referenced);
                    }
                }
            }
        }
        return reached;
    }
}
