#!/usr/bin/env bash
# The code's formatting: clang-format (.clang-format) for the C++ of core/, wasm/ and tests/, Prettier
# (.prettierrc.json) for the TypeScript and JavaScript. `bash tests/format.sh` checks (npm test runs it
# and fails on any difference); `bash tests/format.sh --write` formats every file in place.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t cpp < <(git ls-files '*.cpp' '*.hpp')
mapfile -t scripts < <(git ls-files '*.ts' '*.js' '*.mjs')
if [ "${1:-}" = "--write" ]; then
  clang-format -i "${cpp[@]}"
  npx prettier --log-level warn --write "${scripts[@]}"
  exit 0
fi
clang-format --dry-run --Werror "${cpp[@]}"
npx prettier --log-level warn --check "${scripts[@]}"
echo "formatted: ${#cpp[@]} C++ files (clang-format), ${#scripts[@]} TypeScript and JavaScript files (Prettier)"
