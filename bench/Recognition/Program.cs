using System.Globalization;
using FaceRecognition.Bench;
using FaceRecognition.RecognitionBench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var repository = BenchMachine.RepositoryRoot();
var datasets = Environment.GetEnvironmentVariable("FACEREC_DATASETS") is { Length: > 0 } d ? d : Path.Combine(repository, "..", "shared", "datasets");
var sets = LabelledSets.Load(datasets, Path.Combine(repository, ".cache", "bench-recognition"));
var pictures = sets.AllPictures.Distinct().ToArray();
Console.Error.WriteLine($"{sets.Photos.Count} photos of {sets.Photos.Select(p => p.Person).Distinct().Count()} people, {sets.Pairs.Count} pairs, {sets.Frames.Count} video frames");

var plain = FaceSources.Engine(pictures, mirrorAveraged: false);
var mirrored = FaceSources.Engine(pictures, mirrorAveraged: true);
var cost = FaceSources.Cost([.. pictures.Select(File.ReadAllBytes)]);
var smallCost = FaceSources.Cost(sets.SmallCrops, passes: 5);
Console.Error.WriteLine($"engine: {cost.Plain:0} ms per picture with plain descriptors, {cost.Mirrored:0} ms mirror-averaged");
var faceApi = FaceSources.FaceApi(pictures, repository);
Console.Error.WriteLine("face-api: done");
var quality = QualityExperiments.Run(sets);
Console.Error.WriteLine($"quality: {quality.Count} faces measured");

var recognisers = new Recogniser[]
{
    new("face-api", p => FaceSources.AnswerFace(faceApi[p])?.Descriptor),
    new("engine, plain descriptors", p => FaceSources.AnswerFace(plain[p])?.Descriptor),
    new("engine, mirror-averaged", p => FaceSources.AnswerFace(mirrored[p])?.Descriptor),
};
var text = new Report(sets, recognisers, [cost, smallCost], quality).Write(
    BenchMachine.Heading("Recognition decisions: the engine and face-api on every labelled set") +
    "- Command: `bench/Recognition/run.sh` (FACEREC_DATASETS pointing at the datasets)\n",
    BenchMachine.Notes("Recognition"));
var output = args.Length > 0 ? args[0] : Path.Combine(repository, "bench", "Recognition", "REPORT.md");
File.WriteAllText(output, text);
Console.WriteLine(text);
