using System.CommandLine;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Deploy;
using FaceRecognition.Lambdas.Packaging;
using Microsoft.Extensions.Logging;

// The CDK app (./deploy.sh runs it). synth [--prefix P] [--output DIR]: the CloudFormation templates, no account or
// network needed. empty-buckets --prefix P: deletes every object of the deployment's buckets (before destroying it).
var prefix = new Option<string>("--prefix")
{
    Description = "The prefix of every bucket and queue name; bucket names are global, so make it yours (e.g. facerec-<your name>).",
    Required = true,
};
var output = new Option<string?>("--output") { Description = "Where the templates go (default: the CDK CLI's, or deploy/cdk.out)." };
var packages = new Option<string?>("--packages") { Description = "The functions' packages (default: artifacts/lambda, built if missing or stale)." };
var appTierInstances = new Option<int>("--app-tier-instances")
{
    Description = "App-tier instances, stopped until the autoscaler starts them (default 20, as the original).",
    DefaultValueFactory = _ => 20,
};
appTierInstances.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() is < 1 or > DeploySettings.MaxAppTierInstances)
    {
        result.AddError($"--app-tier-instances must be between 1 and {DeploySettings.MaxAppTierInstances}.");
    }
});

var synth = new Command("synth", "Writes the CloudFormation templates (<stack>.template.json) and the assets they name.") { prefix, output, packages, appTierInstances };
synth.SetAction(async (parse, cancellationToken) =>
{
    var repository = PackageOptions.FindRepositoryRoot(AppContext.BaseDirectory);
    var packageDirectory = Path.GetFullPath(parse.GetValue(packages) ?? PackageOptions.DefaultOutput(repository));
    using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
    var built = await new PackageBuilder(new PackageOptions(repository, packageDirectory), loggers.CreateLogger("packaging")).EnsureAsync(cancellationToken: cancellationToken);
    var names = new TopologyNames(parse.GetValue(prefix)!);
    var outdir = parse.GetValue(output) ?? Environment.GetEnvironmentVariable("CDK_OUTDIR") ?? Path.Combine(repository, "deploy", "cdk.out");
    var tiers = await new TierBuilds(repository, Path.Combine(repository, "artifacts", "tiers"), loggers.CreateLogger("tiers")).EnsureAsync(cancellationToken);
    var settings = new DeploySettings(built.ToDictionary(p => p.Function, p => Path.Combine(packageDirectory, p.File)), tiers,
        AppTierInstances: parse.GetValue(appTierInstances));
    var stack = SystemApp.Synthesize(names, settings, outdir);
    Console.WriteLine($"Synthesised {Path.Combine(outdir, stack + ".template.json")}");
    return 0;
});

var empty = new Command("empty-buckets", "Deletes every object of the deployment's buckets, so that the stack can delete them.") { prefix };
empty.SetAction(async (parse, cancellationToken) =>
{
    await BucketEmptier.EmptyAsync(SystemTopology.For(new TopologyNames(parse.GetValue(prefix)!)), cancellationToken);
    return 0;
});

return await new RootCommand("FaceRecognition on AWS: the CDK app behind ./deploy.sh.") { synth, empty }.Parse(args).InvokeAsync();
