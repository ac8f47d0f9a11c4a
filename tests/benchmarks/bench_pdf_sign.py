"""Benchmark (a script, not a test): our two-phase PAdES signing vs plain pyHanko, per signature.

    .build/venv/bin/python tests/benchmarks/bench_pdf_sign.py [N]

Both sign the same 1-page PDF with a pre-created visible field, N times each in the same run; medians are
printed with the ratio (target ≤ 1.5×). Ours: prepare (placeholder, signed attributes, our stamp with an
embedded TrueType subset) → backend signs the digest → finish. Raw: ``signers.sign_pdf`` with a SimpleSigner
(PAdES subfilter, SHA-256, pyHanko's default stamp).

Note: pyHanko's SimpleSigner loads its private key from DER on every raw signature (≈ 29 ms with
cryptography 46's RSA key checks) and signs twice (dry run for the size estimate, then for real); our path
reserves the size arithmetically and the backend keeps its key loaded, hence "ours" is faster.
"""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "signing"))

from pdf_fixtures import Pki, meta_for, prepared_pdf, raw_sign  # noqa: E402

from odoo.addons.hocbaso_signing.tools import pdf_sign  # noqa: E402


def _median_ms(fn, n):
    fn()  # warm-up (font registration, imports)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(n=20):
    p = Pki()
    pdf = prepared_pdf()
    backend = p.backend("homeroom")
    meta = meta_for("homeroom_teacher")

    def ours():
        return pdf_sign.sign_pdf(pdf, "sig_homeroom", backend, meta)

    def ours_no_stamp():
        return pdf_sign.sign_pdf(pdf, "sig_homeroom", backend, dict(meta, appearance=False))

    def raw():
        return raw_sign(pdf, "sig_homeroom", p.homeroom, reason=meta["reason"], location=meta["location"])

    def batch():
        return pdf_sign.sign_many([(pdf, "sig_homeroom", meta)] * 10, backend)

    r_raw = _median_ms(raw, n)
    r_ours = _median_ms(ours, n)
    r_plain = _median_ms(ours_no_stamp, n)
    r_batch = _median_ms(batch, max(3, n // 5)) / 10
    print(f"N={n} per variant, median per signature, 1-page PDF, RSA-2048")
    print(f"  raw pyHanko sign_pdf (SimpleSigner)      : {r_raw:7.1f} ms")
    print(f"  ours two-phase (prepare/sign/finish)     : {r_ours:7.1f} ms   ratio {r_ours / r_raw:.2f}x")
    print(f"  ours two-phase, pyHanko-style no stamp   : {r_plain:7.1f} ms   ratio {r_plain / r_raw:.2f}x")
    print(f"  ours sign_many batch of 10, per document : {r_batch:7.1f} ms")
    return r_ours / r_raw


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
