#!/usr/bin/python3
"""Makes the real messages used by tests/unit/test_msg.c and the fuzz seeds
in fuzz/corpus/msg/ (binary). Run with Debian's /usr/bin/python3 (dnspython):
    /usr/bin/python3 tests/data/packets/gen_corpus.py fuzz/corpus/msg
Prints NAME HEX for each message; test_msg.c embeds some of these."""
import os
import sys

import dns.edns
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


def q(name, t, **kw):
    m = dns.message.make_query(name, t, **kw)
    m.id = 1234
    return m


def resp_full():
    qm = q('www.example.com', 'A', want_dnssec=True)
    r = dns.message.make_response(qm)
    r.flags |= dns.flags.AA
    r.answer.append(dns.rrset.from_text('www.example.com.', 300, 'IN', 'CNAME', 'web.example.com.'))
    r.answer.append(dns.rrset.from_text('web.example.com.', 300, 'IN', 'A', '192.0.2.1', '192.0.2.2'))
    r.authority.append(dns.rrset.from_text('example.com.', 3600, 'IN', 'NS', 'ns1.example.com.',
                                           'ns2.example.com.'))
    r.additional.append(dns.rrset.from_text('ns1.example.com.', 3600, 'IN', 'A', '192.0.2.53'))
    r.additional.append(dns.rrset.from_text('ns1.example.com.', 3600, 'IN', 'AAAA', '2001:db8::53'))
    r.use_edns(0, dns.flags.DO, 1232,
               options=[dns.edns.EDEOption(dns.edns.EDECode.DNSSEC_BOGUS, 'sig expired')])
    return r


def resp_nx():
    qm = q('nope.example.com', 'AAAA', want_dnssec=True)
    r = dns.message.make_response(qm)
    r.flags |= dns.flags.AA
    r.set_rcode(dns.rcode.NXDOMAIN)
    r.authority.append(dns.rrset.from_text('example.com.', 3600, 'IN', 'SOA',
                                           'ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 3600'))
    r.authority.append(dns.rrset.from_text('example.com.', 3600, 'IN', 'NSEC',
                                           'a.example.com. NS SOA RRSIG NSEC DNSKEY'))
    r.use_edns(0, dns.flags.DO, 1232)
    return r


def resp_mx():
    r = dns.message.make_response(q('example.org', 'MX'))
    r.answer.append(dns.rrset.from_text('example.org.', 60, 'IN', 'MX', '10 mail.example.org.',
                                        '20 mx2.example.net.'))
    r.answer.append(dns.rrset.from_text('example.org.', 60, 'IN', 'TXT', '"v=spf1 -all"', '"a" "b"'))
    return r


def resp_badvers():
    r = dns.message.make_response(q('example.com', 'SOA', use_edns=0))
    r.use_edns(0, 0, 4096)
    r.set_rcode(dns.rcode.BADVERS)
    return r


def resp_ede_multi():
    r = dns.message.make_response(q('blocked.example', 'A', use_edns=0))
    r.set_rcode(dns.rcode.REFUSED)
    r.use_edns(0, 0, 1232, options=[dns.edns.EDEOption(dns.edns.EDECode.BLOCKED, 'policy'),
                                     dns.edns.EDEOption(dns.edns.EDECode.OTHER),
                                     dns.edns.GenericOption(dns.edns.NSID, b'ns1')])
    return r


def resp_srv():
    r = dns.message.make_response(q('_sip._tcp.example.com', 'SRV'))
    r.answer.append(dns.rrset.from_text('_sip._tcp.example.com.', 60, 'IN', 'SRV',
                                        '10 5 5060 sip.example.com.'))
    r.answer.append(dns.rrset.from_text('_sip._tcp.example.com.', 60, 'IN', 'TYPE65280', '\\# 3 010203'))
    return r


MESSAGES = {
    'query_a_do': q('www.example.com', 'A', want_dnssec=True),
    'query_plain': q('example.net', 'NS', use_edns=False),
    'query_aaaa_cd': q('ipv6.example.com', 'AAAA', use_edns=0, payload=4096),
    'query_dnskey': q('.', 'DNSKEY', want_dnssec=True),
    'query_ptr': q('1.2.0.192.in-addr.arpa', 'PTR'),
    'resp_full': resp_full(),
    'resp_nx': resp_nx(),
    'resp_mx': resp_mx(),
    'resp_badvers': resp_badvers(),
    'resp_ede_multi': resp_ede_multi(),
    'resp_srv': resp_srv(),
    'query_cookie': q('example.com', 'A', use_edns=0,
                      options=[dns.edns.GenericOption(dns.edns.COOKIE, bytes(range(8)))]),
}
MESSAGES['query_aaaa_cd'].flags |= dns.flags.CD

if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else None
    for name, m in MESSAGES.items():
        w = m.to_wire()
        print(name, w.hex())
        if out:
            with open(os.path.join(out, name + '.bin'), 'wb') as f:
                f.write(w)
