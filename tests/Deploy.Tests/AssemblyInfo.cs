// The CDK runs in one jsii process per test process, which is not safe to call from several threads: the stack is
// synthesised once for the whole assembly, and the tests run one at a time (they take milliseconds each).
[assembly: AssemblyFixture(typeof(FaceRecognition.Deploy.Tests.SynthesizedStack))]
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
