# Shared by run.sh and test.sh: checks what the system needs beyond the .NET SDK and installs it with apt-get where
# that is possible (root on Debian/Ubuntu); otherwise prints the exact command to run and stops.
# Source it, then call: require_dotnet; require_packages <debian-package>...

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download/dotnet/10.0" >&2
    exit 1
  fi
  local major
  major=$(dotnet --version 2>/dev/null | cut -d. -f1)
  if [ "${major:-0}" -lt 10 ]; then
    echo "The .NET 10 SDK is required; found $(dotnet --version). https://dotnet.microsoft.com/download/dotnet/10.0" >&2
    exit 1
  fi
}

# Whether a Debian package's capability is present, by what the package provides rather than by dpkg, so a tool
# installed another way (pip, a tarball) also counts.
package_present() {
  case "$1" in
    ffmpeg) command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 ;;
    awscli) command -v aws >/dev/null 2>&1 ;;
    npm) command -v npm >/dev/null 2>&1 ;;
    chromium) command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ;;
    python3-boto3) /usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || python3 -c 'import boto3' >/dev/null 2>&1 ;;
    *) dpkg -s "$1" >/dev/null 2>&1 ;;
  esac
}

require_packages() {
  local missing=()
  for package in "$@"; do
    package_present "$package" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${missing[*]}. Install them with your system's package manager, then run this again." >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} with apt-get..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
