#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the wasm module and the page, and serves the built
# page on 127.0.0.1. Port: `npm start -- --port 8080` or PORT=8080 npm start (default 4173).
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-4173}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    *) echo "unknown option $1 (allowed: --port N)" >&2; exit 2 ;;
  esac
done
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "port must be an integer in [1, 65535] (got $port)" >&2
  exit 2
fi

bash wasm/toolchain.sh start
bash wasm/build.sh
npx vite build --logLevel warn
echo
echo "ICL playground: http://127.0.0.1:$port/   (Ctrl-C stops the server)"
echo
exec npx vite preview --port "$port" --strictPort
