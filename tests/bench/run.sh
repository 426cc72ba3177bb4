#!/usr/bin/env bash
# `npm run bench [-- steps | recipes [options]]`: builds both targets, then prints figures (it asserts
# nothing):
#   (no argument)  the per-step figures (wasm beside native), then Figure 2 in Node with the presets' own
#                  training recipe and with paper-spec §4's, each with its fidelity, and their ratio;
#   steps          the per-step figures only;
#   recipes ...    the recipe search, tests/bench/recipes.mjs with the options given (--list names them).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash wasm/toolchain.sh bench
bash wasm/build.sh > /dev/null
mkdir -p build-native
cmake -S . -B build-native -G Ninja -DCMAKE_BUILD_TYPE=Release > build-native/configure.log 2>&1 \
  || { cat build-native/configure.log; exit 1; }
cmake --build build-native --target icl_bench > /dev/null
case "${1:-all}" in
  steps) node tests/bench/bench.mjs ;;
  recipes) shift; node tests/bench/recipes.mjs "$@" ;;
  all)
    node tests/bench/bench.mjs
    echo
    echo "Figure 2 in Node: the presets' own recipe, then paper-spec §4's (the second takes many minutes)"
    node tests/bench/recipes.mjs --presets fig2 --recipes own,paper ;;
  *) echo "usage: npm run bench [-- steps | recipes [options]]" >&2; exit 2 ;;
esac
