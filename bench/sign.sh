#!/bin/bash
# Signing benchmark (issue: DNSSEC core): signet sign against
# dnssec-signzone -n 2 and ldns-signzone, same keys (made by dnssec-keygen,
# ECDSAP256SHA256 KSK + ZSK) and same input, NSEC and NSEC3 (0 iterations,
# no salt); plus signet verify against ldns-verify-zone on the same signed
# zone, and the machine's ECDSA P-256 signing limit from `openssl speed`.
# Results go into docs/PERFORMANCE.md between the sign markers.
#
# usage: bench/sign.sh [SIZES...]        (default: 100000 1000000)
#        RUNS=3 BUILD=build bench/sign.sh 100000
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SIGNET=$BUILD/signet
OUT=$ROOT/bench/out/sign
RUNS=${RUNS:-1}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000)
ORIGIN=bench.test
mkdir -p "$OUT"
[ -x "$SIGNET" ] || { echo "build signet first (make build)" >&2; exit 1; }

# "wall peakKiB" of the best (fastest) of RUNS runs of a command. GNU time
# writes to its own file (-o): the command's stderr is discarded, and a
# failing command stops the benchmark instead of yielding a zero time.
measure() {
	local best="" line tf
	tf=$(mktemp)
	for _ in $(seq "$RUNS"); do
		if ! /usr/bin/time -o "$tf" -f '%e %M' "$@" >/dev/null 2>"$tf.err"; then
			echo "failed: $* (time: $(cat "$tf"))" >&2
			tail -5 "$tf.err" >&2
			rm -f "$tf" "$tf.err"
			exit 1
		fi
		line=$(tail -1 "$tf")
		if [ -z "$best" ] || awk -v a="${line% *}" -v b="${best% *}" 'BEGIN{exit !(a<b)}'; then
			best=$line
		fi
	done
	rm -f "$tf" "$tf.err"
	echo "$best"
}

echo "crypto limit: openssl speed -multi 2 ecdsap256" >&2
LIMIT=$(openssl speed -multi 2 -seconds 5 ecdsap256 2>/dev/null | awk '/nistp256/ {print $(NF-1)}' | tail -1)
LIMIT=${LIMIT%.*}
echo "  $LIMIT signatures/s" >&2

KEYS=$OUT/keys
if [ ! -d "$KEYS" ]; then
	mkdir -p "$KEYS"
	(cd "$KEYS" && dnssec-keygen -q -a ECDSAP256SHA256 -P 20000101 -A 20000101 $ORIGIN >/dev/null &&
		dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -P 20000101 -A 20000101 $ORIGIN >/dev/null)
fi
KBASES=$(cd "$KEYS" && ls K$ORIGIN.+*.private | sed 's/\.private$//')

rows=()
vrows=()
for n in "${SIZES[@]}"; do
	zone=$OUT/zone-$n.db
	[ -f "$zone" ] || /usr/bin/python3 "$ROOT/bench/genzone.py" --records "$n" --origin $ORIGIN. "$zone"
	for mode in nsec nsec3; do
		if [ $mode = nsec ]; then s_opt=(); b_opt=(); l_opt=(); else
			s_opt=(--nsec3); b_opt=(-3 - -H 0); l_opt=(-n -t 0); fi  # ldns: no -s means no salt
		echo "== $n records, $mode" >&2
		s=$(measure "$SIGNET" sign -q -K "$KEYS" "${s_opt[@]}" -o "$OUT/signet-$n-$mode.db" "$zone")
		sigs=$(grep -c $'\tRRSIG\t' "$OUT/signet-$n-$mode.db")
		b=$(cd "$KEYS" && measure dnssec-signzone -q -S -P -n 2 -K "$KEYS" "${b_opt[@]}" -o $ORIGIN \
			-f "$OUT/bind-$n-$mode.db" "$zone")
		bsigs=$(grep -c 'RRSIG' "$OUT/bind-$n-$mode.db" || true)
		# shellcheck disable=SC2086
		l=$(cd "$KEYS" && measure ldns-signzone "${l_opt[@]}" -f "$OUT/ldns-$n-$mode.db" "$zone" $KBASES)
		lsigs=$(grep -c 'RRSIG' "$OUT/ldns-$n-$mode.db" || true)
		row=$(awk -v n="$n" -v m="$mode" -v s="$s" -v b="$b" -v l="$l" -v sigs="$sigs" \
			-v bs="$bsigs" -v ls="$lsigs" -v lim="$LIMIT" 'BEGIN{
			split(s,S," "); split(b,B," "); split(l,L," ");
			printf "| %d | %s | %.2f s, %.0f sig/s, %.0f MiB | %.2f s, %.0f sig/s, %.0f MiB | %.2f s, %.0f sig/s, %.0f MiB | %.0f%% | %.2fx | %.2fx |",
			n, m, S[1], sigs/S[1], S[2]/1024, B[1], bs/B[1], B[2]/1024, L[1], ls/L[1], L[2]/1024,
			100*sigs/S[1]/lim, B[1]/S[1], L[1]/S[1] }')
		echo "$row" >&2
		rows+=("$row")
	done
	# verification of the same signed zone (signet's NSEC output)
	signed=$OUT/signet-$n-nsec.db
	sv=$(measure "$SIGNET" verify "$signed")
	lv=$(measure ldns-verify-zone "$signed")
	vrow=$(awk -v n="$n" -v s="$sv" -v l="$lv" 'BEGIN{split(s,S," "); split(l,L," ");
		printf "| %d | %.2f s, %.0f MiB | %.2f s, %.0f MiB | %.2fx |", n, S[1], S[2]/1024, L[1], L[2]/1024, L[1]/S[1]}')
	echo "$vrow" >&2
	vrows+=("$vrow")
done

section=$(mktemp)
{
	echo "<!-- sign:begin -->"
	echo "## Signing and verifying (bench/sign.sh)"
	echo
	echo "Run $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))."
	echo "Input: bench/genzone.py zones (A, AAAA, TXT, MX, delegations with glue), the same"
	echo "ECDSAP256SHA256 KSK+ZSK (made by dnssec-keygen) for every signer. Best of $RUNS run(s)."
	echo "dnssec-signzone runs with \`-S -n 2 -P\` (keys from the key directory, two threads, no post-signing self-check);"
	echo "ldns-signzone is single-threaded; NSEC3 is 0 iterations, no salt everywhere."
	echo
	echo "Crypto limit: \`openssl speed -multi 2 ecdsap256\` = **$LIMIT signatures/s**."
	echo
	echo "| records | chain | signet | dnssec-signzone -n 2 | ldns-signzone | signet's share of the crypto limit | BIND time / signet time | ldns time / signet time |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "Verification of the same signet-signed NSEC zone:"
	echo
	echo "| records | signet verify | ldns-verify-zone | ldns time / signet time |"
	echo "|---|---|---|---|"
	printf '%s\n' "${vrows[@]}"
	echo
	echo "Target (issue 3): at least 75% of the crypto limit, at least 2.2x faster than dnssec-signzone -n 2 and 2x faster than ldns-signzone on the 100,000-record zone; signet verify at least 2x faster than ldns-verify-zone. Compare the share and ratio columns above."
	echo "<!-- sign:end -->"
} >"$section"

doc=$ROOT/docs/PERFORMANCE.md
[ -f "$doc" ] || printf '# Performance\n\nEach benchmark in bench/ replaces its own section below.\n\n' >"$doc"
/usr/bin/python3 - "$doc" "$section" <<'PY'
import re, sys
doc, sec = sys.argv[1], open(sys.argv[2]).read().strip() + "\n"
text = open(doc).read()
pat = re.compile(r"<!-- sign:begin -->.*?<!-- sign:end -->\n?", re.S)
text = pat.sub(lambda m: sec, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + sec
open(doc, "w").write(text)
PY
rm -f "$section"
echo "results written to docs/PERFORMANCE.md" >&2
