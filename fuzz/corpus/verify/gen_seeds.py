#!/usr/bin/python3
"""Writes seeds for fuzz_verify: a zone "example." signed by signet with
algorithms 8, 13 and 15, one seed per signed RRset (DNSKEYs, RRSIG, type,
records) in the layout fuzz_verify.c reads. Signatures are valid at the
target's fixed time (1700000000). Usage: gen_seeds.py SIGNET OUTDIR"""
import struct, subprocess, sys, tempfile, os
import dns.rdataclass, dns.rdatatype, dns.zone

signet, outdir = sys.argv[1], sys.argv[2]
zone_text = """$TTL 3600
example. SOA ns.example. host.example. 1 7200 3600 1209600 300
example. NS ns.example.
ns.example. A 192.0.2.1
example. TXT "seed"
"""

def u16(n):
    return struct.pack(">H", n)

with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, "z")
    open(src, "w").write(zone_text)
    for alg in ("8", "13", "15"):
        kd = os.path.join(d, "k" + alg)
        os.mkdir(kd)
        subprocess.run([signet, "keygen", "-a", alg, "-K", kd, "example."], check=True, capture_output=True)
        out = os.path.join(d, "s" + alg)
        subprocess.run([signet, "sign", "-K", kd, "--inception", "20230101000000",
                        "--expiration", "20250101000000", "-o", out, src], check=True, capture_output=True)
        z = dns.zone.from_file(out, origin="example.", relativize=False)
        keys = [r.to_wire() for r in z.find_rdataset("example.", "DNSKEY")]
        apex = z.find_node("example.")
        sigs = [s for rds in apex.rdatasets if rds.rdtype == dns.rdatatype.RRSIG for s in rds]
        for sig in sigs:
            covered = sig.type_covered
            rrs = apex.get_rdataset(dns.rdataclass.IN, covered)
            if rrs is None:
                continue
            blob = bytes([len(keys)]) + b"".join(u16(len(k)) + k for k in keys)
            s = sig.to_wire()
            blob += u16(len(s)) + s + u16(covered)
            blob += b"".join(u16(len(r.to_wire())) + r.to_wire() for r in rrs)
            name = f"alg{alg}-{dns.rdatatype.to_text(covered).lower()}"
            open(os.path.join(outdir, name), "wb").write(blob)
