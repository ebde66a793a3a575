using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.Packaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Deploy.Tests;

/// <summary>The stack as <c>./deploy.sh</c> synthesises it (no account, no network), once for the test assembly: the CDK's
/// <see cref="Template"/> for its assertions, and the template's JSON for reading references between resources.</summary>
public sealed class SynthesizedStack : IAsyncLifetime
{
    public TopologyNames Names { get; } = new("facerec-test");

    public CloudTopology Topology => SystemTopology.For(Names);

    public Template Template { get; private set; } = null!;

    /// <summary>The template's JSON.</summary>
    public JsonObject Root { get; private set; } = null!;

    public JsonObject Resources => Root["Resources"]!.AsObject();

    public async ValueTask InitializeAsync()
    {
        // jsii runs the CDK in Node; it warns on every Node release it was not tested with.
        System.Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1");
        System.Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1");
        System.Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20");
        var repository = PackageOptions.FindRepositoryRoot(AppContext.BaseDirectory);
        var output = PackageOptions.DefaultOutput(repository);
        var packages = await new PackageBuilder(new PackageOptions(repository, output), NullLogger.Instance).EnsureAsync(cancellationToken: TestContext.Current.CancellationToken);
        var app = SystemApp.NewApp(_outdir);
        var tiers = await new TierBuilds(repository, Path.Combine(repository, "artifacts", "tiers"), NullLogger.Instance).EnsureAsync(TestContext.Current.CancellationToken);
        var stack = SystemApp.Build(app, Names, new DeploySettings(packages.ToDictionary(p => p.Function, p => Path.Combine(output, p.File)), tiers));
        var assembly = app.Synth();
        var json = await File.ReadAllTextAsync(Path.Combine(assembly.Directory, stack.TemplateFile), TestContext.Current.CancellationToken);
        Template = Template.FromString(json);
        Root = JsonNode.Parse(json)!.AsObject();
    }

    private readonly string _outdir = Directory.CreateTempSubdirectory("facerec-cdk-").FullName;

    /// <summary>The resources of one CloudFormation type, by logical id.</summary>
    public IEnumerable<(string Id, JsonObject Properties)> OfType(string type) =>
        Resources.Where(r => (string?)r.Value!["Type"] == type).Select(r => (r.Key, r.Value!["Properties"]?.AsObject() ?? []));

    /// <summary>The logical id of the resource of <paramref name="type"/> whose <paramref name="nameProperty"/> is <paramref name="name"/>.</summary>
    public string IdOf(string type, string nameProperty, string name) =>
        OfType(type).Single(r => (string?)r.Properties[nameProperty] == name).Id;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_outdir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
