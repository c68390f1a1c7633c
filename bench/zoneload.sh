#!/usr/bin/env bash
# Zone-loading benchmark: `signet zone check` against nsd-checkzone,
# named-checkzone and ldns-read-zone on the same files, in one run.
#
#   bench/zoneload.sh            # 3 runs per tool and file, median reported
#   RUNS=5 RECORDS=200000 bench/zoneload.sh
#
# Environment:
#   RUNS     runs per tool and file (default 3; the median is reported)
#   RECORDS  size of the generated zone (default 1000000)
#   SEED     generator seed (default 20230511)
#   SIGNET   signet binary (default <repo>/build/signet)
#   ROOTZONE real zone to load (default ../shared/testdata/realworld/root-2023051100.zone)
#   DOC      markdown file whose zoneload section is replaced (default docs/PERFORMANCE.md;
#            DOC=- prints the section to stdout only)
#
# Writes generated data to bench/out/ (git-ignored). Not part of the test suite.
set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
RECORDS=${RECORDS:-1000000}
SEED=${SEED:-20230511}
SIGNET=${SIGNET:-$REPO/build/signet}
ROOTZONE=${ROOTZONE:-$REPO/../shared/testdata/realworld/root-2023051100.zone}
DOC=${DOC:-$REPO/docs/PERFORMANCE.md}
OUT=$REPO/bench/out
PY=/usr/bin/python3
GENORIGIN=zoneload.test.
# named-checkzone's default post-load integrity checks (-i full) look up the
# addresses of out-of-zone NS/MX targets; without network that hangs for
# many minutes on the root zone, and no other tool does that work.
NAMED_FLAGS=(-i none)

die() { echo "zoneload: $*" >&2; exit 1; }
for t in /usr/bin/time nsd-checkzone named-checkzone ldns-read-zone awk; do
	command -v "$t" >/dev/null || die "missing $t"
done
[ -r "$ROOTZONE" ] || die "cannot read $ROOTZONE"
mkdir -p "$OUT" || die "cannot create $OUT"

# ---- generated zone (regenerated only when generator or arguments change) ----
GEN=$OUT/gen-$RECORDS.zone
stamp="$(sha256sum "$REPO/bench/genzone.py" | cut -d' ' -f1) $RECORDS $SEED $GENORIGIN"
if [ ! -s "$GEN" ] || [ "$(cat "$GEN.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "generating $GEN ($RECORDS records, seed $SEED) ..." >&2
	"$PY" "$REPO/bench/genzone.py" --records "$RECORDS" --seed "$SEED" --origin "$GENORIGIN" "$GEN" >/dev/null ||
		die "generator failed"
	echo "$stamp" >"$GEN.stamp"
fi

# Both files hold one record per line (checked: no parentheses), so counting
# non-comment, non-directive lines gives the record count.
count_records() {
	if grep -q '(' "$1"; then
		die "$1 has multi-line records; count_records would be wrong"
	fi
	awk 'NF && $1 !~ /^;/ && $1 !~ /^\$/ { n++ } END { print n + 0 }' "$1"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run_tool TAG CMD... : runs RUNS times; sets WALL (s, median), PEAK (KiB,
# median), RC (last exit code) and MSG (first line of output on failure).
TMP=$(mktemp -d) || die "mktemp"
trap 'rm -rf "$TMP"' EXIT
run_tool() {
	local tag=$1
	shift
	: >"$TMP/walls"
	: >"$TMP/peaks"
	RC=0
	MSG=""
	for ((r = 0; r < RUNS; r++)); do
		local t0=$EPOCHREALTIME
		/usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err"
		RC=$?
		local t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$TMP/walls"
		tail -n 1 "$TMP/time" | awk '{ print $2 }' >>"$TMP/peaks"
		if [ "$RC" -ne 0 ]; then
			MSG=$(cat "$TMP/err" "$TMP/out" | grep -v '^$' | head -n 1)
			break
		fi
	done
	WALL=$(median <"$TMP/walls")
	PEAK=$(median <"$TMP/peaks")
	echo "  $tag: wall ${WALL}s peak ${PEAK} KiB rc $RC $MSG" >&2
}

# ---- is signet usable? ---------------------------------------------------
SIGNET_OK=0
SIGNET_WHY=""
if [ ! -x "$SIGNET" ]; then
	SIGNET_WHY="$SIGNET does not exist"
elif ! "$SIGNET" zone check --origin . "$ROOTZONE" >"$TMP/probe" 2>&1; then
	SIGNET_WHY="\`signet zone check\` failed on the root zone: $(grep -v '^$' "$TMP/probe" | head -n 1)"
else
	SIGNET_OK=1
fi
[ "$SIGNET_OK" = 1 ] || echo "signet: not available ($SIGNET_WHY)" >&2

fmt_rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "n/a" }'; }
fmt_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

SECTION=$TMP/section.md
{
	echo "## Zone loading (bench/zoneload.sh)"
	echo
	echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs" \
		"($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)."
	echo "Median of $RUNS runs per tool and file; wall time from bash \`\$EPOCHREALTIME\` around"
	echo "\`/usr/bin/time -f '%e %M'\`, peak memory = its maximum RSS (%M). Records/s = records / wall."
	echo "Ratios: *time* = peer wall / signet wall (above 1: signet faster); *memory* = signet peak / peer peak"
	echo "(below 1: signet smaller). Peer versions: $(nsd-checkzone -h 2>&1 | sed -n 's/^Version \([^ .]*\.[^ ]*\).*/NSD \1/p' | sed 's/\.$//')," \
		"$(named -v 2>/dev/null | awk '{ print $1, $2 }' || echo BIND), ldns $(dpkg-query -W -f='${Version}' ldnsutils 2>/dev/null)."
	echo
	echo "Commands: \`nsd-checkzone ORIGIN FILE\`, \`named-checkzone ${NAMED_FLAGS[*]} ORIGIN FILE\`"
	echo "(\`-i none\`: BIND's default post-load integrity checks resolve out-of-zone NS/MX targets;"
	echo "offline that stalls for many minutes on the root zone and none of the other tools does it),"
	echo "\`ldns-read-zone FILE > /dev/null\` (parses and prints every record), \`signet zone check --origin ORIGIN FILE\`."
	if [ "$SIGNET_OK" = 1 ]; then
		echo "signet binary: \`${SIGNET#"$REPO"/}\` ($(stat -c '%y' "$SIGNET" | cut -d. -f1))."
	else
		echo
		echo "**signet: not available** — $SIGNET_WHY."
	fi
	echo
} >"$SECTION"

TARGETS=""
bench_file() {
	local label=$1 file=$2 origin=$3
	local recs size
	recs=$(count_records "$file")
	size=$(stat -c %s "$file")
	echo "$label: $recs records" >&2
	cat "$file" >/dev/null # warm the page cache so no tool pays for the first read
	local -a names=() walls=() peaks=() rcs=() msgs=() cmds=()
	add() { names+=("$1"); walls+=("$WALL"); peaks+=("$PEAK"); rcs+=("$RC"); msgs+=("$MSG"); cmds+=("$2"); }
	run_tool nsd-checkzone nsd-checkzone "$origin" "$file"
	add nsd-checkzone "nsd-checkzone $origin"
	run_tool named-checkzone named-checkzone "${NAMED_FLAGS[@]}" "$origin" "$file"
	add named-checkzone "named-checkzone ${NAMED_FLAGS[*]} $origin"
	run_tool ldns-read-zone ldns-read-zone "$file"
	add ldns-read-zone "ldns-read-zone > /dev/null"
	local sw="" sp=""
	if [ "$SIGNET_OK" = 1 ]; then
		run_tool signet "$SIGNET" zone check --origin "$origin" "$file"
		add signet "signet zone check --origin $origin"
		if [ "$RC" -eq 0 ]; then
			sw=$WALL
			sp=$PEAK
		fi
	fi
	{
		echo "### $label — $recs records, $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }'), origin \`$origin\`"
		echo
		echo "| tool | wall s | records/s | peak MiB | time ratio (peer/signet) | memory ratio (signet/peer) | exit |"
		echo "|---|---:|---:|---:|---:|---:|---|"
		local i fastest="" fw=""
		for i in "${!names[@]}"; do
			local tr="—" mr="—"
			if [ "${names[$i]}" != signet ]; then
				if [ -n "$sw" ]; then
					tr=$(ratio "${walls[$i]}" "$sw")
					mr=$(ratio "$sp" "${peaks[$i]}")
				else
					tr="n/a"
					mr="n/a"
				fi
				if [ "${rcs[$i]}" -eq 0 ] && { [ -z "$fw" ] || awk -v a="${walls[$i]}" -v b="$fw" 'BEGIN { exit !(a < b) }'; }; then
					fastest=${names[$i]}
					fw=${walls[$i]}
				fi
			fi
			local ex="${rcs[$i]}"
			[ -n "${msgs[$i]}" ] && ex="${rcs[$i]}: ${msgs[$i]//|/\\|}"
			# shellcheck disable=SC2016 # the backticks are markdown
			printf '| `%s` | %.3f | %s | %s | %s | %s | %s |\n' "${cmds[$i]}" "${walls[$i]}" \
				"$(fmt_rate "$recs" "${walls[$i]}")" "$(fmt_mib "${peaks[$i]}")" "$tr" "$mr" "$ex"
		done
		echo
		echo "Fastest peer: \`$fastest\`."
		if [ -n "$sw" ]; then
			local n_i
			for n_i in "${!names[@]}"; do
				[ "${names[$n_i]}" = nsd-checkzone ] || continue
				local spd mem verdict
				spd=$(ratio "${walls[$n_i]}" "$sw")
				mem=$(ratio "$sp" "${peaks[$n_i]}")
				if awk -v s="$spd" -v m="$mem" 'BEGIN { exit !(s >= 3 && m <= 1) }'; then
					verdict="met"
				else
					verdict="**not met**"
				fi
				echo "Target (≥ 3x faster than nsd-checkzone, no more peak memory): $verdict" \
					"(${spd}x time, ${mem}x memory)."
				TARGETS+="$label: $verdict; "
			done
		else
			echo "Target (≥ 3x faster than nsd-checkzone, no more peak memory): not measured (signet not available)."
		fi
		echo
	} >>"$SECTION"
}

bench_file "root-2023051100.zone (real root zone, signed)" "$ROOTZONE" .
bench_file "gen-$RECORDS.zone (generated, seed $SEED)" "$GEN" "$GENORIGIN"
{
	echo "Generated zone: \`python3 bench/genzone.py --records $RECORDS --seed $SEED --origin $GENORIGIN\`," \
		"sha256 \`$(sha256sum "$GEN" | cut -c1-16)…\`; record mix:" \
		"$(awk 'NF && $1 !~ /^[;$]/ { c[$4]++ } END { for (t in c) printf "%s %d\n", t, c[t] }' "$GEN" |
			sort -k2,2nr | paste -sd, - | sed 's/,/, /g')."
} >>"$SECTION"

# ---- write the section into DOC between the markers ------------------------
if [ "$DOC" = - ]; then
	cat "$SECTION"
	exit 0
fi
if [ ! -f "$DOC" ]; then
	mkdir -p "$(dirname "$DOC")"
	cat >"$DOC" <<'EOF'
# Performance

Benchmarks live in `bench/` (see `bench/README.md`); they are not part of the
test suite. Each script owns one section of this file, between its
`<!-- NAME:begin -->` / `<!-- NAME:end -->` markers, and replaces only that
section when it runs, so sections can come from different runs. Each section
records its own date, machine, method and command lines.
EOF
fi
awk -v sec="$SECTION" '
	BEGIN { while ((getline l < sec) > 0) body = body l "\n" }
	/^<!-- zoneload:begin -->$/ { printf "<!-- zoneload:begin -->\n%s<!-- zoneload:end -->\n", body; skip = 1; done = 1; next }
	/^<!-- zoneload:end -->$/ { skip = 0; next }
	!skip { print }
	END { if (!done) printf "\n<!-- zoneload:begin -->\n%s<!-- zoneload:end -->\n", body }
' "$DOC" >"$TMP/doc" || die "cannot read $DOC"
cat "$TMP/doc" >"$DOC" || die "cannot update $DOC"
echo "wrote the zoneload section of $DOC${TARGETS:+ ($TARGETS)}" >&2
