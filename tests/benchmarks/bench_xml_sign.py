"""Benchmark: cost of XML signing (not a pytest test file).

    .build/venv/bin/python tests/benchmarks/bench_xml_sign.py [iterations]

Prints ms per operation for rendering a year page, prepare / backend sign / finish of one signature with a
local RSA-2048 key, a full 3-signature cascade, a 30-document batch (one backend call) and verification.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "signing"))

import xml_fixtures as fx

from odoo.addons.hocbaso_signing.tools import xml_document, xml_verify, xmldsig


def timed(fn, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def main(n=50):
    tpki = fx.test_pki()
    snap = fx.year_page()
    xml_document.render(snap, fx.SCHEMA_DIR)  # warm the XSD/XSLT caches
    unsigned = xml_document.render(snap, fx.SCHEMA_DIR)
    signer = tpki.signers["homeroom_teacher"]
    backend = tpki.backend("homeroom_teacher")
    prepared = xmldsig.prepare(unsigned, "homeroom_teacher", signer.cert, signer.chain)
    value = backend.sign_digest(prepared.digest)

    def cascade():
        xml = unsigned
        for role in ("homeroom_teacher", "principal", "school_seal"):
            xml = xmldsig.sign(xml, role, tpki.backend(role))
        return xml

    signed = cascade()
    batch = [(unsigned, "homeroom_teacher")] * 30
    rows = [
        ("render + XSD validate (year page)", lambda: xml_document.render(snap, fx.SCHEMA_DIR), n),
        ("prepare (1 signature)", lambda: xmldsig.prepare(unsigned, "homeroom_teacher", signer.cert, signer.chain),
         n),
        ("backend RSA-2048 sign of the digest", lambda: backend.sign_digest(prepared.digest), n),
        ("finish (verify value + insert)", lambda: xmldsig.finish(prepared, value), n),
        ("sign() = prepare + backend + finish", lambda: xmldsig.sign(unsigned, "homeroom_teacher", backend), n),
        ("cascade of 3 signatures", cascade, max(5, n // 5)),
        ("sign_many 30 year pages (1 backend call)", lambda: xmldsig.sign_many(batch, backend), max(3, n // 10)),
        ("verify 3-signature year page (incl. XSD)",
         lambda: xml_verify.verify(signed, [tpki.ca.cert], fx.SCHEMA_DIR), max(5, n // 5)),
    ]
    print(f"document: {len(signed)} bytes signed ({len(unsigned)} unsigned); median / min of repeated runs")
    for label, fn, count in rows:
        median, best = timed(fn, count)
        print(f"{label:45s} {median:8.2f} ms  (min {best:.2f})")
    median, _best = timed(lambda: xmldsig.sign_many(batch, backend), max(3, n // 10))
    print(f"{'=> per signature in a 30-document batch':45s} {median / 30:8.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
