using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace FaceRecognition.Lambdas.Packaging;

/// <summary>What a package is built from, as one hash: the files of the function's project and every project it
/// references, the folders it names, the repository's build settings, the bundled tools and the build options. Equal
/// fingerprints mean an unchanged package need not be built again.</summary>
internal static class Fingerprint
{
    /// <summary>Changes when the packaging itself changes what it produces.</summary>
    private const string PackagingVersion = "1";

    private static readonly string[] s_repositoryFiles = ["Directory.Build.props", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config"];

    public static string Compute(FunctionDefinition function, PackageOptions options)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var project in ProjectClosure(Path.Combine(options.RepositoryRoot, function.Project))) AddFolder(files, Path.GetDirectoryName(project)!);
        foreach (var folder in function.ExtraInputs) AddFolder(files, Path.Combine(options.RepositoryRoot, folder));
        foreach (var file in s_repositoryFiles.Select(f => Path.Combine(options.RepositoryRoot, f)).Where(File.Exists)) files.Add(file);

        var text = new StringBuilder();
        text.Append($"packaging {PackagingVersion}; ready-to-run {options.ReadyToRun}; trimmed {options.Trimmed}; {PackageOptions.RuntimeIdentifier}\n");
        foreach (var tool in function.Tools) text.Append($"tool {tool.NpmPackage} {tool.Sha256} {tool.PathInPackage}\n");
        foreach (var file in files)
        {
            text.Append(Path.GetRelativePath(options.RepositoryRoot, file).Replace('\\', '/')).Append(' ').Append(BundledTools.Sha256Of(file)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The project and those it references, transitively.</summary>
    internal static IReadOnlyCollection<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current)) continue;
            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")?.Value;
                if (include is null) continue;
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, include.Replace('\\', Path.DirectorySeparatorChar))));
            }
        }
        return found;
    }

    private static void AddFolder(SortedSet<string> files, string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)) continue;
            files.Add(file);
        }
    }
}
