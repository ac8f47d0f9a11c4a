"""Reference desktop signer: signs an Odoo signing request with the USB token on the signer's computer.

Runs without Odoo (Python 3.11 with python-pkcs11, cryptography and requests)::

    python desktop_signer.py --url https://school.example.vn --request <id> --token <one-time token> \\
        --module /usr/lib/softhsm/libsofthsm2.so --token-label "My token" --key-label signer

It fetches the request (digests and document labels), asks the token PIN once (``getpass``; ``--pin-env VAR``
reads it from the environment instead, for automation and tests), signs every digest in one token session,
checks the values against the token's certificate and posts them back. ``--print-certificate`` only prints
the token's certificate (PEM) so that it can be registered in Odoo before the first request. The protocol
is described in ``backends/external.py``. Plain ``http://`` is accepted for localhost only.
"""

import argparse
import getpass
import os
import sys
from urllib.parse import quote, urlsplit

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _modules():
    """The backends package, imported relatively (inside the addon) or as a sibling (run as a script)."""
    if __package__:
        from .backends import base, external, pkcs11
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from backends import base, external, pkcs11
    return base, external, pkcs11


def build_parser():
    p = argparse.ArgumentParser(prog="desktop_signer", description="Sign a Học bạ số signing request with a "
                                "PKCS#11 token on this computer.")
    p.add_argument("--url", help="Odoo base URL, e.g. https://school.example.vn")
    p.add_argument("--request", help="signing request id")
    p.add_argument("--token", help="one-time token of the request (or --token-env)")
    p.add_argument("--token-env", metavar="VAR", help="read the one-time token from this environment variable")
    p.add_argument("--module", required=True, help="PKCS#11 library of the token")
    p.add_argument("--token-label", required=True, help="label of the token")
    p.add_argument("--key-label", help="label of the signing key (and its certificate)")
    p.add_argument("--key-id", help="CKA_ID of the key and certificate, hex")
    p.add_argument("--pin-env", metavar="VAR", help="read the PIN from this environment variable (no prompt)")
    p.add_argument("--timeout", type=float, default=30.0, help="HTTP timeout in seconds (default 30)")
    p.add_argument("--print-certificate", action="store_true", help="print the token certificate (PEM) and exit")
    return p


def _check_url(url):
    parts = urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"):
        return url.rstrip("/")
    raise ValueError("--url must be an https:// URL (http:// only for localhost)")


def _error_text(resp):
    try:
        data = resp.json()
        return str(data.get("message") or data.get("error") or resp.status_code)
    except ValueError:
        return f"HTTP {resp.status_code}"


def run(args, out=None, err=None):
    import requests
    from cryptography.hazmat.primitives import serialization

    out, err = out or sys.stdout, err or sys.stderr
    base, external, pkcs11 = _modules()
    if not args.key_label and not args.key_id:
        print("error: give --key-label or --key-id", file=err)
        return EXIT_USAGE

    def read_pin():
        if args.pin_env:
            return os.environ.get(args.pin_env, "")
        return getpass.getpass(f"PIN of token “{args.token_label}”: ")

    backend = pkcs11.Pkcs11Backend(args.module, args.token_label, read_pin, key_label=args.key_label,
                                   key_id=args.key_id)
    try:
        if args.print_certificate:
            out.write(backend.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"))
            return EXIT_OK
        try:
            url = f"{_check_url(args.url)}{external.PATH}{quote(str(args.request or ''), safe='')}"
        except ValueError as e:
            print(f"error: {e}", file=err)
            return EXIT_USAGE
        token = os.environ.get(args.token_env, "") if args.token_env else args.token
        if not args.request or not token:
            print("error: give --request and --token (or --token-env)", file=err)
            return EXIT_USAGE
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        http = requests.Session()

        resp = http.get(url, headers=headers, timeout=args.timeout)
        if resp.status_code != 200:
            print(f"error: cannot fetch the request: {_error_text(resp)}", file=err)
            return EXIT_ERROR
        request = resp.json()
        if request.get("algorithm") != external.ALGORITHM:
            print(f"error: unsupported digest algorithm {request.get('algorithm')!r}", file=err)
            return EXIT_ERROR
        digests = base.check_digests([external._b64decode(d) for d in request.get("digests") or []])
        documents = request.get("documents") or []
        print(f"Request {request.get('id')}: {len(digests)} document(s) to sign", file=err)
        for label in documents:
            print(f"  - {label}", file=err)

        hint = request.get("certificate_hint") or {}
        if hint.get("sha256") and hint["sha256"].lower() != external.fingerprint(backend.certificate):
            print("error: the documents were prepared for another certificate than the one on this token "
                  f"({hint.get('subject')})", file=err)
            return EXIT_ERROR

        signatures = backend.sign_digests(digests)  # one session, one PIN entry
        cert, signatures = external.check_response(digests, backend.certificate, signatures)
        body = external.response_body(cert, backend.chain, signatures)
        resp = http.post(url, json=body, headers=headers, timeout=args.timeout)
        if resp.status_code != 200:
            print(f"error: the server refused the signatures: {_error_text(resp)}", file=err)
            return EXIT_ERROR
        print(f"Signed {len(signatures)} document(s): {resp.json().get('status')}", file=out)
        return EXIT_OK
    except base.SigningError as e:
        print(f"error: {e}", file=err)
        return EXIT_ERROR
    except requests.RequestException as e:
        print(f"error: cannot reach the server: {type(e).__name__}", file=err)
        return EXIT_ERROR


def main(argv=None):
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
