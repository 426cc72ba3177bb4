#!/usr/bin/env bash
# Runs the config fuzzer (config_fuzz.cpp) for a fixed number of inputs, from the committed seed corpus,
# and prints libFuzzer's final statistics; on a finding, its report, the saved input and the command that
# reproduces it. Needs the build of the "native tests under ASan/UBSan" stage of tests/run.sh.
# Usage: bash tests/fuzz/run.sh [libFuzzer flags]   (they override the defaults, e.g.
#        -seed=0 -runs=-1 -max_total_time=600: ten minutes from a random seed)
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
  grep -E '^(INFO: Seed: |Done [0-9]+ runs|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' "$log"
  grep -m1 -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
  exit 0
fi
# The report: from the first words of the sanitizer, the target or libFuzzer to the end of the log,
# without ASan's shadow-memory dump.
echo "config_fuzz failed (exit status $status); the whole log is $log. The report:" >&2
awk '!start && /^==[0-9]+==ERROR|runtime error:|^config_fuzz: |ERROR: libFuzzer/ { start = 1 }
     start && /^Shadow bytes around/ { skip = 1 }
     start && skip && /==ABORTING/ { skip = 0 }
     start && !skip' "$log" >&2
input="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
if [ -n "$input" ]; then
  echo >&2
  echo "The input is $input; reproduce with:" >&2
  echo "  $fuzzer $input" >&2
fi
exit "$status"
