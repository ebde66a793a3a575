using System.Text.Json;
using System.Text.Json.Nodes;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>A function's resource-based policy: the statements AddPermission makes, and the question S3 asks before it
/// accepts a notification to a function (may this bucket invoke it?).</summary>
internal static class FunctionPolicy
{
    public static string Statement(string statementId, string action, string principal, string functionArn, string? sourceArn, string? sourceAccount)
    {
        var statement = new JsonObject
        {
            ["Sid"] = statementId,
            ["Effect"] = "Allow",
            ["Principal"] = principal == "*" ? "*" : new JsonObject { [principal.EndsWith(".amazonaws.com", StringComparison.Ordinal) ? "Service" : "AWS"] = principal },
            ["Action"] = action,
            ["Resource"] = functionArn,
        };
        var condition = new JsonObject();
        if (sourceArn is not null) condition["ArnLike"] = new JsonObject { ["AWS:SourceArn"] = sourceArn };
        if (sourceAccount is not null) condition["StringEquals"] = new JsonObject { ["AWS:SourceAccount"] = sourceAccount };
        if (condition.Count > 0) statement["Condition"] = condition;
        return statement.ToJsonString();
    }

    public static string? StatementId(string statement) => JsonNode.Parse(statement)?["Sid"]?.GetValue<string>();

    public static string Document(IEnumerable<string> statements) => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Id"] = "default",
        ["Statement"] = new JsonArray([.. statements.Select(s => JsonNode.Parse(s))]),
    }.ToJsonString();

    /// <summary>Whether a statement lets <paramref name="service"/> invoke the function on behalf of <paramref name="sourceArn"/>.</summary>
    public static bool AllowsService(IEnumerable<string> statements, string service, string sourceArn, string account) => statements.Any(text =>
    {
        try
        {
            var statement = JsonNode.Parse(text)!;
            var principal = statement["Principal"];
            var principalMatches = principal is JsonValue any && any.GetValue<string>() == "*" || principal?["Service"]?.GetValue<string>() == service;
            var action = statement["Action"]?.GetValue<string>();
            var arnCondition = statement["Condition"]?["ArnLike"]?["AWS:SourceArn"]?.GetValue<string>();
            var accountCondition = statement["Condition"]?["StringEquals"]?["AWS:SourceAccount"]?.GetValue<string>();
            return principalMatches && action is "lambda:InvokeFunction" or "lambda:*" &&
                (arnCondition is null || Ec2.Ec2Store.Matches(arnCondition, sourceArn)) &&
                (accountCondition is null || accountCondition == account);
        }
        catch (JsonException)
        {
            return false;
        }
    });
}
