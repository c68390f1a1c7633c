#!/bin/bash
# Resolver benchmark (issue 5): signet-resolver against Unbound on the same signed lab
# hierarchy (NSD on 127.0.0.x port 53, pinned to CPU 1), resolvers pinned to CPU 0 with one
# worker thread each, dnsperf on CPU 1 with DO=1: (a) cache hits at a fixed rate, max QPS,
# latency, memory; (b) cold cache: time and CPU for the name list from a fresh start.
# Results go into docs/PERFORMANCE.md between the resolve markers. Needs root (port 53).
#
# usage: bench/resolve.sh [--zones 200] [--rate 40000] [--seconds 10] [--rounds 3] [--signet-threads 8]
#                         [--cold-rounds 3] [--cold-concurrency 20] [--doc FILE|-]
#        BUILD=build-rb bench/resolve.sh          (default BUILD: build)
# See bench/README.md; the work is done by bench/resolve.py (helpers from bench/serve.py).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
exec /usr/bin/python3 "$ROOT/bench/resolve.py" --build "$BUILD" "$@"
