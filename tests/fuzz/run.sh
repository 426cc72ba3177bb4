#!/usr/bin/env bash
# Runs the config fuzzer (config_fuzz.cpp) for a fixed number of inputs, from the committed seed corpus,
# and prints libFuzzer's final statistics; on a finding, its report, the saved input and the command that
# reproduces it. Needs the build of the "native tests under ASan/UBSan" stage of tests/run.sh.
# Usage: bash tests/fuzz/run.sh [libFuzzer flags]   (they override the defaults: -runs=N, -seed=0 for a
#        random seed, -max_total_time=S, ...)
# The inputs it adds go to a temporary folder, deleted at the end: the committed corpus stays as it is.
set -euo pipefail
cd "$(dirname "$0")/../.."

fuzzer=build-sanitize/tests/fuzz/config_fuzz
if [ ! -x "$fuzzer" ]; then
  echo "$fuzzer is missing: build it as tests/run.sh does (the ASan/UBSan stage, -DICL_FUZZ=ON)." >&2
  exit 1
fi
artifacts=build-sanitize/fuzz-artifacts
log=build-sanitize/config_fuzz.log
mkdir -p "$artifacts"
grown="$(mktemp -d)"
trap 'rm -rf "$grown"' EXIT

# A fixed seed and a fresh corpus folder: every run of the same commit tries the same inputs (about a
# minute on a 2-core machine). Inputs up to 4 KB; an input that takes more than 5 s counts as a hang.
status=0
"$fuzzer" -seed=1 -runs=800000 -max_len=4096 -timeout=5 -dict=tests/fuzz/config.dict \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$grown" tests/fuzz/corpus/config \
  > "$log" 2>&1 || status=$?

if [ "$status" -eq 0 ]; then
  grep -E '^(Done [0-9]+ runs|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' "$log"
  grep -m1 -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
  exit 0
fi
# The report: from the sanitizer's or the target's first words to libFuzzer's last.
echo "config_fuzz failed (exit status $status); the whole log is $log. Its end:" >&2
grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|INITED)' "$log" | tail -n 60 >&2
input="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
if [ -n "$input" ]; then
  echo >&2
  echo "The input is $input; reproduce with:" >&2
  echo "  $fuzzer $input" >&2
fi
exit "$status"
