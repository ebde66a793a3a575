using System.CommandLine;
using FaceRecognition.Cli;

// facerec: enrol people into a gallery file, identify pictures, verify two pictures, and draw what the detector sees.
var root = new RootCommand("Face recognition on the command line: the engine the services run, on local files.")
{
    EnrollCommand.Create(),
    IdentifyCommand.Create(),
    VerifyCommand.Create(),
    DetectCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
