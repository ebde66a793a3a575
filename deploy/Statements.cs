using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.Deploy;

/// <summary>The system's permission statements (<see cref="SystemPermissions"/>) as CDK policy statements: ARNs with
/// pseudo parameters become <c>Fn::Sub</c>, resolved by CloudFormation in the account and region deployed to.</summary>
internal static class Statements
{
    public static PolicyStatement[] For(string component, TopologyNames names) => [.. SystemPermissions.For(component, names).Select(ToCdk)];

    public static PolicyStatement ToCdk(PermissionStatement statement) => new(new PolicyStatementProps
    {
        Sid = statement.Sid,
        Effect = Effect.ALLOW,
        Principals = statement.ServicePrincipal is { } service ? [new ServicePrincipal(service)] : null,
        Actions = [.. statement.Actions],
        Resources = [.. statement.Resources.Select(Resolved)],
        Conditions = statement.Conditions?.ToDictionary(c => c.Key, c => (object)c.Value.ToDictionary(v => v.Key, v => (object)Resolved(v.Value))),
    });

    /// <summary>A value with pseudo parameters as <c>Fn::Sub</c>, resolved by CloudFormation; any other as it is.</summary>
    private static string Resolved(string value) => value.Contains("${", StringComparison.Ordinal) ? Fn.Sub(value) : value;
}
