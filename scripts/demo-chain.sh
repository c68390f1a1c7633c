#!/bin/bash
# The chain-of-trust story (issue 5's demo), run by `make demo` after the
# offline tools: on loopback only,
#   signetd serves the lab root "."  on 127.0.0.2, "org." on 127.0.0.3 and
#   "example.org." on 127.0.0.4 (all on one high port), each zone signed with
#   its own keys and each parent holding its child's DS;
#   signet-resolver starts with the lab root as its hints and the lab root's
#   KSK as its only trust anchor;
#   signet trace shows the secure chain down to www.example.org;
#   then www.example.org's address is changed in the served zone without
#   re-signing (what a forger would do): the resolver answers SERVFAIL with
#   an Extended DNS Error and signet trace names the broken link.
# It stops everything it started and exits 0 only when the story played
# out as expected. Needs no root: nothing listens on port 53.
# Usage: scripts/demo-chain.sh [BUILD_DIR]   (default: build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SIGNET=$BUILD/signet
SIGNETD=$BUILD/signetd
RESOLVER=$BUILD/signet-resolver
for exe in "$SIGNET" "$SIGNETD" "$RESOLVER"; do
	[ -x "$exe" ] || { echo "demo: $exe not found; build first (make build)" >&2; exit 1; }
done

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B= N=; fi
step() { # title, explanation...
	printf '\n%s== %s%s\n' "$B" "$1" "$N"
	shift
	printf '   %s\n' "$@"
	echo
}
fail() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "demo: FAILED (exit status $?) at: $BASH_COMMAND" >&2' ERR

# One port free on every address we use: the servers share it, the
# resolver takes another.
read -r PORT RPORT < <(/usr/bin/python3 - <<'PY'
import random, socket
def free(port, addrs):
    for a in addrs:
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((a, port))
            except OSError:
                return False
            finally:
                s.close()
    return True
ports = [p for p in random.sample(range(20000, 60000), 200)]
srv = next(p for p in ports if free(p, ["127.0.0.2", "127.0.0.3", "127.0.0.4"]))
res = next(p for p in ports if p != srv and free(p, ["127.0.0.1"]))
print(srv, res)
PY
)

step "signet: the chain of trust, end to end" \
	"Three name servers on loopback (port $PORT): the lab root on 127.0.0.2," \
	"org. on 127.0.0.3, example.org. on 127.0.0.4 -- all signetd. A validating" \
	"signet-resolver on 127.0.0.1@$RPORT trusts only the lab root's KSK."

# ---- the zones -----------------------------------------------------------
mkdir -p "$work/keys/root" "$work/keys/org" "$work/keys/example.org" "$work/zones"
cat >"$work/zones/example.org.zone" <<EOF
\$ORIGIN example.org.
\$TTL 300
@       SOA  ns.example.org. hostmaster.example.org. 1 3600 600 86400 60
@       NS   ns.example.org.
ns      A    127.0.0.4
www     A    127.0.0.80
        AAAA ::80
mail    A    127.0.0.25
@       MX   10 mail.example.org.
EOF
cat >"$work/zones/org.zone" <<EOF
\$ORIGIN org.
\$TTL 300
@            SOA ns.org. hostmaster.org. 1 3600 600 86400 60
@            NS  ns.org.
ns           A   127.0.0.3
example      NS  ns.example.org.
ns.example   A   127.0.0.4
EOF
cat >"$work/zones/root.zone" <<EOF
\$TTL 300
.            SOA ns.root. hostmaster.root. 1 3600 600 86400 60
.            NS  ns.root.
ns.root.     A   127.0.0.2
org.         NS  ns.org.
ns.org.      A   127.0.0.3
EOF
printf '.\t3600000\tNS\tns.root.\nns.root.\t3600000\tA\t127.0.0.2\n' >"$work/root.hints"

step "1. keys for every zone, and each child's DS in its parent" \
	"signet keygen makes a KSK and a ZSK per zone (ECDSA P-256); signet ds" \
	"turns the child's KSK into the DS record the parent publishes."
for z in example.org org root; do
	name=$z.
	[ $z = root ] && name=.
	"$SIGNET" keygen --ksk -K "$work/keys/$z" "$name" >/dev/null
	"$SIGNET" keygen -K "$work/keys/$z" "$name" >/dev/null
done
"$SIGNET" ds "$work/keys/example.org" | tee -a "$work/zones/org.zone"
"$SIGNET" ds "$work/keys/org" | tee -a "$work/zones/root.zone"
"$SIGNET" ds "$work/keys/root" >"$work/root.anchor"
echo "trust anchor for the resolver (the lab root's KSK):"
cat "$work/root.anchor"

step "2. sign example.org. offline, serve all three with signetd" \
	"example.org. is signed once with signet sign and served as it is (a" \
	"signed file without a key directory); org. and the root are signed by" \
	"signetd itself on load from their key directories."
"$SIGNET" sign -q -K "$work/keys/example.org" -o "$work/zones/example.org.signed" \
	"$work/zones/example.org.zone"
start_signetd() { # addr zone file [key-dir]
	local args=(--listen "$1@$PORT" --zone "$2=$3" --control "$work/ctl-$1")
	[ $# -ge 4 ] && args+=(--key-dir "$4")
	"$SIGNETD" "${args[@]}" 2>>"$work/signetd-$1.log" &
	pids+=($!)
}
start_signetd 127.0.0.4 example.org. "$work/zones/example.org.signed"
start_signetd 127.0.0.3 org. "$work/zones/org.zone" "$work/keys/org"
start_signetd 127.0.0.2 . "$work/zones/root.zone" "$work/keys/root"
wait_up() { # addr name
	for _ in $(seq 100); do
		if "$SIGNET" query @"$1" -p "$PORT" +short +timeout=1 +tries=1 "$2" SOA >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	cat "$work"/signetd-*.log >&2
	fail "signetd on $1 did not answer"
}
wait_up 127.0.0.4 example.org.
wait_up 127.0.0.3 org.
wait_up 127.0.0.2 .
echo "three signetd instances answer on port $PORT"

start_resolver() {
	"$RESOLVER" --listen "127.0.0.1@$RPORT" --root-hints "$work/root.hints" \
		--anchor "$work/root.anchor" --upstream-port "$PORT" 2>>"$work/resolver.log" &
	RESOLVER_PID=$!
	pids+=($RESOLVER_PID)
	for _ in $(seq 100); do
		"$SIGNET" query @127.0.0.1 -p "$RPORT" +short +timeout=1 +tries=1 . SOA >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$work/resolver.log" >&2
	fail "signet-resolver did not answer"
}

step "3. signet-resolver validates www.example.org A" \
	"Walks from the lab root: root DNSKEY (matches the anchor) -> DS org." \
	"-> org. DNSKEY -> DS example.org. -> example.org. DNSKEY -> the answer." \
	"A secure answer carries the AD flag."
start_resolver
"$SIGNET" query @127.0.0.1 -p "$RPORT" +dnssec www.example.org A | tee "$work/q1"
grep -q 'flags:.* ad' "$work/q1" || fail "the answer is not marked authenticated (AD)"
grep -q 'status: NOERROR' "$work/q1" || fail "expected NOERROR"
grep -Eq 'www\.example\.org\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.80' "$work/q1" ||
	fail "expected www.example.org A 127.0.0.80"

step "4. signet trace www.example.org A" \
	"Shows every link of the chain: the servers asked, the DS at each parent," \
	"the child's keys, who signed what, and the verdict per link."
rc=0
"$SIGNET" trace --root-hints "$work/root.hints" --anchor "$work/root.anchor" \
	--upstream-port "$PORT" www.example.org A || rc=$?
[ "$rc" -eq 0 ] || fail "signet trace exited $rc for the secure chain (expected 0)"

step "5. a forger changes www.example.org without re-signing" \
	"The served copy of example.org. gets a new address for www, its old" \
	"RRSIG left as it was; signetd reloads it. The resolver restarts so its" \
	"cache does not hide the change."
sed -i -E 's/^(www\.example\.org\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+)127\.0\.0\.80/\1127.0.0.66/' \
	"$work/zones/example.org.signed"
grep -q '127\.0\.0\.66' "$work/zones/example.org.signed" || fail "could not alter the zone file"
"$SIGNET" ctl --socket "$work/ctl-127.0.0.4" reload
"$SIGNET" query @127.0.0.4 -p "$PORT" +norec +short www.example.org A | grep -q '127.0.0.66' ||
	fail "signetd does not serve the altered record"
echo "example.org.'s server now says: www.example.org A 127.0.0.66 (signature unchanged)"
kill "$RESOLVER_PID"
wait "$RESOLVER_PID" 2>/dev/null || true
start_resolver

step "6. the resolver refuses the forged answer" \
	"SERVFAIL, with an Extended DNS Error (RFC 8914) saying why; its log names" \
	"the record and the signature that failed."
"$SIGNET" query @127.0.0.1 -p "$RPORT" +dnssec www.example.org A | tee "$work/q2"
grep -q 'status: SERVFAIL' "$work/q2" || fail "expected SERVFAIL for the forged record"
grep -qi 'EDE' "$work/q2" || fail "expected an Extended DNS Error in the SERVFAIL"
grep -q '127\.0\.0\.66' "$work/q2" && fail "the forged address reached the client"
echo "resolver log:"
grep -i 'bogus' "$work/resolver.log" | tail -3 || fail "the resolver logged no reason"

step "7. signet trace marks the broken link" \
	"Exit status 2 means bogus."
rc=0
"$SIGNET" trace --root-hints "$work/root.hints" --anchor "$work/root.anchor" \
	--upstream-port "$PORT" www.example.org A || rc=$?
[ "$rc" -eq 2 ] || fail "signet trace exited $rc for the forged answer (expected 2)"

printf '\ndemo: the chain of trust held, and the forgery was caught\n'
