#!/bin/bash
# Runs every test suite and ends with one line "N passed, N failed".
#   unit tests (cmocka) in the normal and the ASan+UBSan build,
#   integration tests (pytest + dnspython, peers as oracles),
#   each libFuzzer target for FUZZ_SECONDS.
# Usage: run-tests.sh BUILD_DIR ASAN_BUILD_DIR FUZZ_BUILD_DIR
set -u
BUILD=${1:-build}
ASAN=${2:-build-asan}
FUZZ=${3:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
PY=/usr/bin/python3   # Debian's python, which has python3-dnspython
ROOT=$(cd "$(dirname "$0")/.." && pwd)

passed=0
failed=0
summary=()

add() { # suite passed failed
	passed=$((passed + $2))
	failed=$((failed + $3))
	summary+=("$(printf '%-28s %5d passed, %d failed' "$1" "$2" "$3")")
}

unit() { # build-dir label
	local b=$1 label=$2
	echo "=== unit tests ($label) ==="
	meson test -C "$b" --print-errorlogs --num-processes 2 || true
	local counts
	counts=$($PY "$ROOT/scripts/cmocka-counts.py" "$b/meson-logs/testlog.json")
	add "unit ($label)" ${counts% *} ${counts#* }
}

unit "$BUILD" "release"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	unit "$ASAN" "asan+ubsan"

echo "=== integration tests ==="
if [ -d "$ROOT/tests/integration" ] && ls "$ROOT"/tests/integration/test_*.py >/dev/null 2>&1; then
	out=$(mktemp)
	SIGNET_BUILD="$ROOT/$BUILD" SIGNET_ASAN_BUILD="$ROOT/$ASAN" \
		$PY -m pytest -q -p no:cacheprovider "$ROOT/tests/integration" 2>&1 | tee "$out"
	ip=$(grep -Eo '[0-9]+ passed' "$out" | tail -1 | cut -d' ' -f1)
	if_=$(grep -Eo '[0-9]+ failed' "$out" | tail -1 | cut -d' ' -f1)
	ie=$(grep -Eo '[0-9]+ errors?' "$out" | tail -1 | cut -d' ' -f1)
	ip=${ip:-0}; if_=${if_:-0}; ie=${ie:-0}
	if [ "$ip" = 0 ] && [ "$if_" = 0 ] && [ "$ie" = 0 ]; then if_=1; fi  # ran nothing: a failure
	add "integration" "$ip" $((if_ + ie))
	rm -f "$out"
fi

echo "=== fuzzing (${FUZZ_SECONDS}s per target) ==="
fp=0; ff=0
for f in "$FUZZ"/fuzz/fuzz_*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	name=$(basename "$f")
	work=$(mktemp -d)
	seeds="$ROOT/fuzz/corpus/${name#fuzz_}"
	mkdir -p "$seeds"
	if ASAN_OPTIONS=detect_leaks=1 "$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work" "$seeds" >"$work/log" 2>&1; then
		fp=$((fp + 1)); echo "fuzz $name: ok ($(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$work/log" | tail -1)s)"
	else
		ff=$((ff + 1)); echo "fuzz $name: FAILED"; tail -40 "$work/log"
	fi
	rm -rf "$work"
done
add "fuzz" $fp $ff

echo
echo "=== summary ==="
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
