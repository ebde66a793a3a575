using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using FaceRecognition.Emulator.Auth;

namespace FaceRecognition.Emulator.Iam;

/// <summary>
/// A principal with less than full access (<c>Emulator:Principals:N:*</c>): a role, its key pair and its identity
/// policy. The emulator then refuses this key whatever the policy does not allow, as IAM would; the keys in
/// <c>Emulator:Credentials</c> keep full access, as an account's root does. A Lambda function whose execution role is
/// <c>arn:aws:iam::&lt;account&gt;:role/&lt;Name&gt;</c> runs with this principal's keys.
/// </summary>
public sealed partial class PrincipalOptions
{
    /// <summary>The role's name (IAM's characters, up to 64).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>ACCESS_KEY:SECRET_KEY</c>.</summary>
    public string Credential { get; set; } = "";

    /// <summary>An IAM policy document (JSON).</summary>
    public string Policy { get; set; } = "";

    internal IEnumerable<ValidationResult> Validate(int index)
    {
        var where = $"Principals:{index}";
        if (!RoleName().IsMatch(Name)) yield return new ValidationResult($"{where}:Name must be a role name (1 to 64 of letters, digits and +=,.@_-).");
        if (!AccessKeyPair.TryParse(Credential, out _)) yield return new ValidationResult($"{where}:Credential must be KEY:SECRET, without spaces.");
        string? policyError = null;
        try
        {
            IdentityPolicy.Parse(Policy);
        }
        catch (FormatException e)
        {
            policyError = e.Message;
        }
        if (policyError is not null) yield return new ValidationResult($"{where}:Policy: {policyError}");
    }

    [GeneratedRegex(@"^[\w+=,.@-]{1,64}$")]
    private static partial Regex RoleName();
}
