using System.Text.Json;
using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Iam;

/// <summary>
/// An IAM identity-based policy, evaluated as IAM does for one principal: an explicit <c>Deny</c> wins, then any
/// <c>Allow</c>, else the request is denied. Statements name actions and resources (strings or lists, with <c>*</c>
/// and <c>?</c>; actions ignore case) and may carry conditions with the string and ARN operators (their
/// <c>IfExists</c> forms too); a condition on a key the request does not have fails, except a negated one. Elements
/// the emulator does not evaluate (<c>NotAction</c>, <c>NotResource</c>, <c>Principal</c>, other operators) are
/// refused when the policy is read, never silently ignored.
/// </summary>
internal sealed class IdentityPolicy
{
    private static readonly HashSet<string> s_operators = new(StringComparer.Ordinal)
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike",
    };

    private readonly IReadOnlyList<Statement> _statements;

    private IdentityPolicy(IReadOnlyList<Statement> statements) => _statements = statements;

    /// <summary>Reads a policy document; a <see cref="FormatException"/> says what is wrong with it.</summary>
    public static IdentityPolicy Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The policy is not JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Statement", out var statements))
            {
                throw new FormatException("A policy is an object with a Statement.");
            }
            var list = statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements];
            return new IdentityPolicy([.. list.Select(ReadStatement)]);
        }
    }

    /// <summary>Whether the policy allows <paramref name="action"/> on <paramref name="resource"/>; <paramref name="context"/>
    /// gives the request's condition keys (null for a key it does not have).</summary>
    public bool Allows(string action, string resource, Func<string, string?> context)
    {
        var allowed = false;
        foreach (var statement in _statements)
        {
            if (!statement.Applies(action, resource, context)) continue;
            if (!statement.Allow) return false;
            allowed = true;
        }
        return allowed;
    }

    private static Statement ReadStatement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new FormatException("Each statement is an object.");
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("Sid" or "Effect" or "Action" or "Resource" or "Condition"))
            {
                throw new FormatException($"The statement element '{property.Name}' is not supported by the emulator (it evaluates Effect, Action, Resource and Condition).");
            }
        }
        var effect = element.TryGetProperty("Effect", out var e) ? e.GetString() : null;
        if (effect is not ("Allow" or "Deny")) throw new FormatException("A statement's Effect is Allow or Deny.");
        var actions = Strings(element, "Action");
        var resources = Strings(element, "Resource");
        var conditions = new List<Condition>();
        if (element.TryGetProperty("Condition", out var condition))
        {
            if (condition.ValueKind != JsonValueKind.Object) throw new FormatException("A Condition is an object of operators.");
            foreach (var operation in condition.EnumerateObject())
            {
                var name = operation.Name.EndsWith("IfExists", StringComparison.Ordinal) ? operation.Name[..^"IfExists".Length] : operation.Name;
                if (!s_operators.Contains(name)) throw new FormatException($"The condition operator '{operation.Name}' is not supported by the emulator.");
                if (operation.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"The condition operator '{operation.Name}' takes an object of keys.");
                foreach (var key in operation.Value.EnumerateObject())
                {
                    conditions.Add(new Condition(name, name != operation.Name, key.Name, Values(key.Value, $"condition key '{key.Name}'")));
                }
            }
        }
        return new Statement(effect == "Allow", actions, resources, conditions);
    }

    private static string[] Strings(JsonElement statement, string name)
    {
        if (!statement.TryGetProperty(name, out var value)) throw new FormatException($"A statement needs {name}.");
        return Values(value, name);
    }

    private static string[] Values(JsonElement value, string what) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) && value.GetArrayLength() > 0 =>
            [.. value.EnumerateArray().Select(v => v.GetString()!)],
        _ => throw new FormatException($"{what} is a string or a non-empty list of strings."),
    };

    private sealed record Statement(bool Allow, string[] Actions, string[] Resources, List<Condition> Conditions)
    {
        public bool Applies(string action, string resource, Func<string, string?> context) =>
            Actions.Any(a => Wildcard.IsMatch(a, action, ignoreCase: true)) &&
            Resources.Any(r => Wildcard.IsMatch(r, resource)) &&
            Conditions.All(c => c.Holds(context(c.Key)));
    }

    private sealed record Condition(string Operator, bool IfExists, string Key, string[] Values)
    {
        public bool Holds(string? actual)
        {
            var negated = Operator.Contains("Not", StringComparison.Ordinal);
            if (actual is null) return IfExists || negated;
            var any = Operator switch
            {
                "StringEquals" or "StringNotEquals" => Values.Any(v => v == actual),
                "StringEqualsIgnoreCase" or "StringNotEqualsIgnoreCase" => Values.Any(v => string.Equals(v, actual, StringComparison.OrdinalIgnoreCase)),
                // StringLike, and the ARN operators, which take wildcards whether Equals or Like.
                _ => Values.Any(v => Wildcard.IsMatch(v, actual)),
            };
            return negated ? !any : any;
        }
    }
}
