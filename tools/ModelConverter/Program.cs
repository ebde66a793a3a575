using System.Security.Cryptography;
using FaceRecognition.ModelConverter;
using Google.Protobuf;

// Converts the TF.js weights of @vladmandic/face-api (its model/ folder) into the three ONNX models of Vision.
// Usage: FaceRecognition.ModelConverter <face-api package folder> <output folder>
if (args.Length != 2 || !Directory.Exists(Path.Combine(args[0], "model")))
{
    Console.Error.WriteLine("usage: FaceRecognition.ModelConverter <face-api package folder containing model/> <output folder>");
    return 2;
}

var modelDirectory = Path.Combine(args[0], "model");
var outputDirectory = Directory.CreateDirectory(args[1]).FullName;
(string File, string Source, Func<IReadOnlyDictionary<string, WeightTensor>, GraphBuilder> Build)[] models =
[
    ("ssd_mobilenetv1.onnx", SsdMobilenetV1Model.Name, SsdMobilenetV1Model.Build),
    ("ssd_mobilenetv1_256.onnx", SsdMobilenetV1Model.Name, SsdMobilenetV1Model.BuildSmall),
    ("face_landmark_68.onnx", FaceLandmark68Model.Name, FaceLandmark68Model.Build),
    ("face_recognition.onnx", FaceRecognitionModel.Name, FaceRecognitionModel.Build),
];

foreach (var (file, source, build) in models)
{
    var weights = TfjsWeights.Load(modelDirectory, source);
    var model = build(weights).ToModel($"Converted from {source} of @vladmandic/face-api@1.7.15 (MIT).");
    var bytes = model.ToByteArray();
    var path = Path.Combine(outputDirectory, file);
    File.WriteAllBytes(path, bytes);
    Console.WriteLine($"{file}  {bytes.Length,10:N0} bytes  sha256 {Convert.ToHexStringLower(SHA256.HashData(bytes))}");
}
return 0;
