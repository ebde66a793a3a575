using System.Text.Json.Nodes;

namespace FaceRecognition.Deploy.Tests;

/// <summary>Reading CloudFormation values: which resource a reference points at, and a value rendered as text with
/// its intrinsic functions written out (<c>${AWS::Partition}</c>, <c>${queue.Arn}</c>).</summary>
internal static class TemplateValues
{
    /// <summary>The logical id a <c>Ref</c> or <c>Fn::GetAtt</c> names.</summary>
    public static string Target(JsonNode? value) => value switch
    {
        JsonObject o when o["Ref"] is JsonValue id => (string)id!,
        JsonObject o when o["Fn::GetAtt"] is JsonArray attribute => (string)attribute[0]!,
        _ => throw new InvalidOperationException($"Not a reference: {value?.ToJsonString()}"),
    };

    public static string Render(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v => v.ToString(),
        JsonObject o when o["Ref"] is JsonValue id => "${" + (string)id! + "}",
        JsonObject o when o["Fn::GetAtt"] is JsonArray attribute => "${" + (string)attribute[0]! + "." + (string)attribute[1]! + "}",
        JsonObject o when o["Fn::Join"] is JsonArray join => string.Join((string)join[0]!, join[1]!.AsArray().Select(Render)),
        JsonObject o when o["Fn::Sub"] is JsonValue sub => sub.ToString(),
        _ => value.ToJsonString(),
    };

    /// <summary>A value that may be one item or a list, as IAM allows for Action and Resource.</summary>
    public static IEnumerable<JsonNode?> Items(JsonNode? value) => value is JsonArray array ? [.. array] : new List<JsonNode?> { value };
}
