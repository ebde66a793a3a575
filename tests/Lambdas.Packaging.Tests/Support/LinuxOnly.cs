// The packages are Linux programs: these tests unzip and run them, so they run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
