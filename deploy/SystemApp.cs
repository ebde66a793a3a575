using Amazon.CDK;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.Deploy;

/// <summary>The CDK app: one stack, <c>FaceRecognition-&lt;prefix&gt;</c>, for the account and region the CDK CLI
/// names (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION), or environment-agnostic when synthesised without one.</summary>
public static class SystemApp
{
    public static string StackName(TopologyNames names) => "FaceRecognition-" + names.Prefix;

    /// <summary>Builds the stack into an app (for tests: the CDK's assertions read it from there).</summary>
    public static Stack Build(App app, TopologyNames names, DeploySettings settings)
    {
        var account = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT");
        var region = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION");
        return new SystemStack(app, StackName(names), new StackProps
        {
            Description = $"FaceRecognition ({names.Prefix}): buckets, queues and functions of the system, from Cloud/Topology/SystemTopology.",
            Env = account is null && region is null ? null : new Amazon.CDK.Environment { Account = account, Region = region },
        }, SystemTopology.For(names), names, settings);
    }

    /// <summary>The CDK app, with the feature flags the stack relies on: the launch templates that require IMDSv2 are
    /// named uniquely (by default their names are fixed, and two deployments in one account would collide).</summary>
    public static App NewApp(string outdir) => new(new AppProps
    {
        Outdir = outdir,
        Context = new Dictionary<string, object> { ["@aws-cdk/aws-ec2:uniqueImdsv2TemplateName"] = true },
    });

    /// <summary>Writes the templates into <paramref name="outdir"/>; returns the stack's name.</summary>
    public static string Synthesize(TopologyNames names, DeploySettings settings, string outdir)
    {
        var app = NewApp(outdir);
        var stack = Build(app, names, settings);
        app.Synth();
        return stack.StackName;
    }
}
