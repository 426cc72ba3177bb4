#!/usr/bin/env bash
# Builds the WebAssembly module into build-wasm/dist/icl.{mjs,wasm}. Incremental; re-configuring every
# time keeps the build id (git revision) current.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build-wasm
emcmake cmake -S . -B build-wasm -G Ninja -DCMAKE_BUILD_TYPE=Release > build-wasm/configure.log 2>&1 \
  || { cat build-wasm/configure.log; exit 1; }
cmake --build build-wasm
