using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Hosting;

namespace FaceRecognition.Emulator.Iam;

/// <summary>A principal's request that its policy does not allow; each service answers it in its own wire shape
/// (S3 and SQS <c>AccessDenied</c>, EC2 <c>UnauthorizedOperation</c>, Lambda <c>AccessDeniedException</c>).</summary>
internal sealed class AccessDenied(string principal, string action, string resource)
    : Exception($"User: {principal} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action")
{
    public string Action { get; } = action;
}

/// <summary>
/// Who may do what: the administrator keys (<c>Emulator:Credentials</c>) everything, each principal
/// (<c>Emulator:Principals</c>) what its policy allows. Services ask before they act; an administrator's request costs
/// one dictionary lookup.
/// </summary>
internal sealed class AccessControl
{
    private readonly HashSet<string> _administrators;
    private readonly Dictionary<string, Principal> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Principal> _byRole = new(StringComparer.Ordinal);
    private readonly string _account;

    public AccessControl(EmulatorOptions options)
    {
        _account = options.AccountId;
        _administrators = options.ParsedCredentials().Select(c => c.AccessKey).ToHashSet(StringComparer.Ordinal);
        foreach (var principal in options.Principals)
        {
            _ = AccessKeyPair.TryParse(principal.Credential, out var pair);
            var entry = new Principal(principal.Name, pair, IdentityPolicy.Parse(principal.Policy),
                $"arn:aws:sts::{options.AccountId}:assumed-role/{principal.Name}/{principal.Name}");
            _byKey[pair.AccessKey] = entry;
            _byRole[principal.Name] = entry;
        }
    }

    /// <summary>Every key pair the emulator accepts: administrators' and principals'.</summary>
    public static IEnumerable<AccessKeyPair> AllKeys(EmulatorOptions options) =>
        options.ParsedCredentials().Concat(options.Principals.Select(p => AccessKeyPair.TryParse(p.Credential, out var pair) ? pair : throw new InvalidOperationException(
            $"Principal {p.Name}: '{p.Credential}' is not KEY:SECRET.")));

    public bool IsAdministrator(string accessKey) => _administrators.Contains(accessKey);

    /// <summary>Whether the key may do <paramref name="action"/> on <paramref name="resource"/>; <paramref name="context"/>
    /// gives the request's condition keys (e.g. <c>s3:prefix</c>, <c>ec2:ResourceTag/Name</c>).</summary>
    public bool Allows(string accessKey, string action, string resource, Func<string, string?>? context = null)
    {
        if (_administrators.Contains(accessKey)) return true;
        return _byKey.TryGetValue(accessKey, out var principal) && principal.Policy.Allows(action, resource, context ?? NoContext);
    }

    /// <summary>Throws <see cref="AccessDenied"/> unless the key may do <paramref name="action"/> on <paramref name="resource"/>.</summary>
    public void Authorize(string accessKey, string action, string resource, Func<string, string?>? context = null)
    {
        if (Allows(accessKey, action, resource, context)) return;
        var who = _byKey.TryGetValue(accessKey, out var principal) ? principal.Arn : $"arn:aws:iam::{_account}:user/{accessKey}";
        throw new AccessDenied(who, action, resource);
    }

    /// <summary>The keys a function whose execution role is <paramref name="roleArn"/> runs with, or null for a role the
    /// emulator has no principal for.</summary>
    public AccessKeyPair? CredentialsForRole(string? roleArn)
    {
        var slash = roleArn?.LastIndexOf('/') ?? -1;
        return slash >= 0 && _byRole.TryGetValue(roleArn![(slash + 1)..], out var principal) ? principal.Keys : null;
    }

    private static string? NoContext(string key) => null;

    private sealed record Principal(string Name, AccessKeyPair Keys, IdentityPolicy Policy, string Arn);
}
