#!/usr/bin/env bash
# Makes sure the machine has what the build needs, so that `npm start` and `npm test` work on a fresh
# Debian 12 machine from a clean clone:
#   * Debian packages: installed with apt when running as root; otherwise the exact apt command is
#     printed and the script stops;
#   * npm packages: `npm ci` whenever node_modules is missing or older than package-lock.json.
# Usage: bash wasm/toolchain.sh start|test|bench   (what the command about to run needs)
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-test}"
# The wasm module and the page: Emscripten 3.1.6, Eigen 3.4, xsimd 8.1, nlohmann-json (toolchain.md).
packages=(emscripten libeigen3-dev libxsimd-dev nlohmann-json3-dev cmake ninja-build)
case "$purpose" in
  start) ;;
  bench) packages+=(g++) ;;
  # clang, its compiler-rt (libFuzzer and the sanitizer runtimes; clang-14 only recommends it) and
  # llvm-symbolizer-14 (file and line in the sanitizers' reports): the ASan/UBSan build and the fuzzer;
  # GNU parallel: the job-file test fans job files out with it; clang-format: the formatting check.
  test) packages+=(g++ libgtest-dev chromium clang libclang-rt-14-dev llvm-14 parallel clang-format) ;;
  *) echo "usage: bash wasm/toolchain.sh start|test|bench" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The lock timeout waits for another apt process (an unattended upgrade) instead of failing.
  apt-get update -o DPkg::Lock::Timeout=600 -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" > /dev/null
fi

# getBuiltinModule (used by wasm/icl.js in Node) needs Node 20.16 or newer.
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=16)?0:1)'; then
  echo "Node.js 20.16 or newer is needed (found $(node --version))." >&2
  exit 1
fi

stamp=node_modules/.icl-lockfile.sha256
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
