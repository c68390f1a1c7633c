#!/bin/bash
# The README's first command (`make demo`): shows what signet does today on
# the bundled example zone -- check, print, then keygen, sign, verify, ds.
# Exits non-zero if any step fails.
# Usage: scripts/demo.sh [BUILD_DIR]   (default: build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SIGNET=$BUILD/signet
ZONE=examples/example.com.zone
cd "$ROOT"

if [ ! -x "$SIGNET" ]; then
	echo "demo: $SIGNET not found; build first (make build)" >&2
	exit 1
fi

trap 'echo "demo: FAILED (exit status $?) at: $BASH_COMMAND" >&2' ERR

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B= N=; fi
step() { # title, explanation...
	printf '\n%s== %s%s\n' "$B" "$1" "$N"
	shift
	printf '   %s\n' "$@"
	echo
}

step "signet $("$SIGNET" --version | cut -d' ' -f2-)" \
	"A DNSSEC system in C. This demo takes $ZONE -- a small" \
	"zone with SOA, NS, MX, A/AAAA, CNAME, TXT, CAA, SRV, a wildcard and a" \
	"delegation with glue -- through checking, printing and signing."

step "1. signet zone check $ZONE" \
	"Reads the zone file and checks it: exactly one SOA at the apex, NS at the" \
	"apex, no CNAME beside other data, nothing outside the origin, one class," \
	"no syntax errors. Exit status 0 means the zone is fine; otherwise every" \
	"problem is listed as FILE:LINE: message."
"$SIGNET" zone check "$ZONE"

step "2. signet zone print $ZONE" \
	"Prints every record, one per line, with absolute names and explicit TTL" \
	"and class, in DNSSEC canonical order (RFC 4034 §6.1): the order in which" \
	"NSEC chains link names and signatures are computed."
"$SIGNET" zone print "$ZONE"

step "3. signet zone check on a broken zone" \
	"The same check on a zone with several mistakes; signet must refuse it" \
	"(exit status 1) and name each problem with its line."
bad=tests/data/zones/invalid/several-problems.zone
rc=0
"$SIGNET" zone check --origin example.com. "$bad" || rc=$?
if [ "$rc" -ne 1 ]; then
	echo "demo: expected exit status 1 for $bad, got $rc" >&2
	exit 1
fi
echo "(exit status $rc, as expected)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "4. signet keygen: a key-signing key and a zone-signing key" \
	"ECDSA P-256 (algorithm 13) key pairs, written as BIND key files" \
	"K<zone>+<alg>+<tag>.key/.private; the KSK has flags 257 (SEP)."
"$SIGNET" keygen --ksk -K "$work" example.com.
"$SIGNET" keygen -K "$work" example.com.

step "5. signet sign" \
	"Adds the DNSKEY RRset, an RRSIG for every authoritative RRset (the KSK" \
	"signs DNSKEY, the ZSK the rest) and the NSEC chain; the first lines:"
"$SIGNET" sign -K "$work" -o "$work/signed.zone" "$ZONE"
head -4 "$work/signed.zone" | cut -c1-110

step "6. signet verify" \
	"Checks every signature, the DNSKEY RRset's SEP signature and the NSEC" \
	"chain, as a validator would."
"$SIGNET" verify "$work/signed.zone"
if command -v ldns-verify-zone >/dev/null; then
	echo "cross-check with ldns-verify-zone (an independent implementation):"
	ldns-verify-zone "$work/signed.zone"
fi

step "7. signet ds" \
	"The DS record of the KSK: what the parent zone (here: com.) publishes to" \
	"link its chain of trust to this zone."
"$SIGNET" ds "$work"

printf '\ndemo: all steps passed\n'
