#!/usr/bin/env bash
# Starts the whole system through the Aspire AppHost with the embedded AWS emulator, installing what is missing first.
# Extra arguments go to the AppHost, e.g. ./run.sh --Cloud:Prefix=demo
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

require_dotnet
# npm fetches the ffmpeg that the video-splitting function's package carries.
require_packages ffmpeg npm

echo "Building..."
dotnet build AppHost/AppHost.csproj -c Debug -v quiet -nologo
echo "Starting the AppHost: the dashboard URL (with its login token) and the emulator's endpoint and credentials follow."
echo "The first start builds the functions' Lambda packages (a few minutes; the lambda-packages resource shows progress)."
# The services start from their builds (Services:Launch=built: 9 s quicker to stop, less memory; bench/ServiceLaunch);
# an IDE's F5 on the AppHost starts them as projects, under its debugger.
exec dotnet run --project AppHost/AppHost.csproj --launch-profile http --no-build -- --Services:Launch=built "$@"
