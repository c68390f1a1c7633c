#!/usr/bin/python3
"""Writes fuzz/corpus/resolver/lab-* seeds for fuzz_resolver: the real
replies of a signed lab (root, org., example.org., signed by
dnssec-signzone with signatures valid 2020-2090: RRSIG times are serial
numbers, at most 68 years ahead), in the order the iterator asks for them,
and prints the lab root's DS: new keys each run, so fuzz_resolver.c's
anchor must then be replaced by it. Run as root (the lab serves on port 53 of loopback addresses):

    /usr/bin/python3 fuzz/make_resolver_seeds.py
"""
import struct
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402

import lab as labmod  # noqa: E402

WINDOW = {"sign_args": ["-s", "20200101000000", "-e", "20900101000000", "-P"]}


def main():
    d = Path(tempfile.mkdtemp(prefix="seeds-"))
    names = (".", "org.", "example.org.")
    lab = labmod.Lab(d, names=names, first=210, zone_opts={n: WINDOW for n in names})
    lab.build()
    lab.start_servers("nsd")
    try:
        addr = {n: lab.zone(n).addr for n in names}

        def ask(zone, qname, qtype):
            q = dns.message.make_query(qname, qtype, want_dnssec=True, payload=1232)
            r = dns.query.udp(q, addr[zone], port=53, timeout=5)
            if r.flags & dns.flags.TC:
                r = dns.query.tcp(q, addr[zone], port=53, timeout=5)
            w = bytearray(r.to_wire())
            w[0:2] = b"\0\0"
            return struct.pack(">H", len(w)) + bytes(w)

        keys = {z: ask(z, z, "DNSKEY") for z in names}

        def walk(flags, qnames, qtype):
            """Each zone's DNSKEY reply, then its reply to the name asked there."""
            return bytes([flags]) + b"".join(keys[z] + ask(z, n, qtype if n == qnames[-1] else "A")
                                             for z, n in zip(names, qnames))

        out = HERE / "corpus" / "resolver"
        www = "www.example.org."
        # byte 0: bit 0 validation, bit 1 QNAME minimisation, bits 2-4 type index
        full = walk(1, [www] * 3, "A")
        qmin = walk(3, ["org.", "example.org.", www], "A")
        nx = walk(1 | (7 << 2), [www] * 3, "TXT")
        ds = walk(1 | (2 << 2), [www] * 3, "DS")
        for name, data in (("lab-full", full), ("lab-qmin", qmin), ("lab-nodata", nx),
                           ("lab-ds", ds)):
            (out / name).write_bytes(data)
        print(lab.anchor.read_text().strip())
    finally:
        lab.stop()


if __name__ == "__main__":
    main()
