#!/usr/bin/env bash
# `npm run bench`: builds both targets, then prints wasm and native figures side by side.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash wasm/toolchain.sh bench
bash wasm/build.sh > /dev/null
mkdir -p build-native
cmake -S . -B build-native -G Ninja -DCMAKE_BUILD_TYPE=Release > build-native/configure.log 2>&1 \
  || { cat build-native/configure.log; exit 1; }
cmake --build build-native --target icl_bench > /dev/null
node tests/bench/bench.mjs "$@"
