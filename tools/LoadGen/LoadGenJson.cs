using System.Text.Json.Serialization;

namespace FaceRecognition.LoadGen;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoadSummary))]
internal sealed partial class LoadGenJson : JsonSerializerContext;
