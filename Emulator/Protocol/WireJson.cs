using System.Text.Json.Serialization;

namespace FaceRecognition.Emulator.Protocol;

/// <summary>Source-generated JSON for the small string maps written on the wire (error bodies, S3 test events).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class WireJson : JsonSerializerContext;
