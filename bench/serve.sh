#!/bin/bash
# Serving benchmark (issue 4): signetd against NSD and Knot on the same
# pre-signed NSEC3 zone, servers pinned to CPU 0 and dnsperf to CPU 1, DO=1.
# Results go into docs/PERFORMANCE.md between the serve markers.
#
# usage: bench/serve.sh [--sizes 150000[,1000000]] [--rate 40000] [--seconds 10]
#                       [--rounds 3] [--servers signetd,nsd,knot] [--doc FILE|-]
#        BUILD=build-release bench/serve.sh       (default BUILD: build)
# See bench/README.md; the work is done by bench/serve.py.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
exec /usr/bin/python3 "$ROOT/bench/serve.py" --build "$BUILD" "$@"
