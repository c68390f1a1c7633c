#!/usr/bin/python3
"""Writes a dnsperf query file for the serving benchmark (bench/serve.sh).

    genqueries.py [--count N] [--seed S] [--wildcard LABEL] ZONEFILE OUTFILE

ZONEFILE is the unsigned zone from bench/genzone.py (one record per line,
relative owners under one $ORIGIN). The queries are a fixed mix, shuffled
with random.Random(seed) so the same arguments give the same file:

  existing  40%  an owner and one of its types (A, AAAA, TXT, MX)
  nxdomain  20%  a name that does not exist (NSEC3 closest-encloser proof)
  nodata    15%  an existing owner, a type it does not have (SRV)
  wildcard  10%  a name under *.LABEL (wildcard answer; 1 in 5 wildcard NODATA)
  referral  15%  a name below a delegation (referral, proof of no DS)

Prints the counts per kind to stderr.
"""
import argparse
import random
import sys

MIX = (("existing", 40), ("nxdomain", 20), ("nodata", 15), ("wildcard", 10), ("referral", 15))


def read_zone(path):
    origin = None
    types = {}  # owner (absolute, lower case) -> set of types
    with open(path, encoding="ascii") as f:
        for line in f:
            if line.startswith("$ORIGIN"):
                origin = line.split()[1].lower()
                continue
            if not line.strip() or line[0] in ";$":
                continue
            p = line.split()
            owner, rtype = p[0].lower(), p[3].upper()
            if owner == "@":
                owner = origin
            elif not owner.endswith("."):
                owner = f"{owner}.{origin}"
            types.setdefault(owner, set()).add(rtype)
    if origin is None:
        sys.exit(f"{path}: no $ORIGIN line")
    return origin, types


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--wildcard", default="wild", help="the zone has *.LABEL (default: wild)")
    ap.add_argument("zone")
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    origin, types = read_zone(a.zone)
    cuts = sorted(o for o, t in types.items() if "NS" in t and o != origin)
    hosts = sorted(o for o, t in types.items()
                   if o != origin and "NS" not in t and not o.startswith("*.")
                   and t & {"A", "AAAA", "TXT", "MX"})
    # glue owners sit below cuts: not authoritative data, leave them out
    cutset = set(cuts)
    hosts = [h for h in hosts if h.split(".", 1)[1] not in cutset]
    if not cuts or not hosts:
        sys.exit(f"{a.zone}: needs delegations and hosts (made by bench/genzone.py)")
    if f"*.{a.wildcard}.{origin}" not in types:
        sys.exit(f"{a.zone}: no wildcard *.{a.wildcard}.{origin}")

    def nonce():
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))

    kinds = []
    for kind, pct in MIX:
        kinds += [kind] * (a.count * pct // 100)
    while len(kinds) < a.count:
        kinds.append("existing")
    rng.shuffle(kinds)
    counts = dict.fromkeys((k for k, _ in MIX), 0)
    out = []
    for kind in kinds:
        counts[kind] += 1
        if kind == "existing":
            h = rng.choice(hosts)
            t = rng.choice(sorted(types[h] & {"A", "AAAA", "TXT", "MX"}))
            out.append(f"{h} {t}\n")
        elif kind == "nxdomain":
            out.append(f"nx-{nonce()}.{origin} A\n")
        elif kind == "nodata":
            out.append(f"{rng.choice(hosts)} SRV\n")
        elif kind == "wildcard":
            t = "AAAA" if rng.random() < 0.2 else rng.choice(("A", "TXT"))
            out.append(f"w-{nonce()}.{a.wildcard}.{origin} {t}\n")
        else:
            out.append(f"www.{rng.choice(cuts)} A\n")
    with open(a.out, "w", encoding="ascii") as f:
        f.writelines(out)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
