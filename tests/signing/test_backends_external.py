"""External signing (USB token on the signer's computer): request/token/response rules of backends/external.py
and the desktop signer's round trip against a small in-test server implementing the protocol."""

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from backend_fixtures import ROOT, softhsm_fixture  # noqa: F401
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from odoo.addons.hocbaso_signing.tools import desktop_signer, pki
from odoo.addons.hocbaso_signing.tools.backends import SigningError, external
from odoo.addons.hocbaso_signing.tools.backends.base import verify_digest_signature
from odoo.addons.hocbaso_signing.tools.backends.external import ExternalBackend

DESKTOP_SIGNER = os.path.join(ROOT, "hocbaso_signing", "tools", "desktop_signer.py")


def digests(n):
    return [hashlib.sha256(os.urandom(16)).digest() for _ in range(n)]


def raw_sign(key, batch):
    return [key.sign(d, padding.PKCS1v15(), Prehashed(hashes.SHA256())) for d in batch]


@pytest.fixture(scope="module")
def people():
    ca = pki.make_ca("Học bạ số External Test CA")
    return ca, pki.issue(ca, "Nguyễn Thị Hoa"), pki.issue(ca, "Người Khác")


# ---------------------------------------------------------------------------------------------- plain rules
def test_backend_external_new_request_and_token(people):
    _ca, signer, _other = people
    batch = digests(3)
    req = external.new_request(batch, signer.cert, documents=["3A - Lê An", "3A - Trần Bình", "3A - Phạm Chi"])
    assert req["algorithm"] == "sha256" and len(req["id"]) == 32
    assert req["token_hash"] == hashlib.sha256(req["token"].encode()).hexdigest()
    assert req["certificate_hint"]["sha256"] == signer.cert.fingerprint(hashes.SHA256()).hex()
    doc = external.request_document(req)
    assert "token" not in doc and "token_hash" not in doc and req["token"] not in json.dumps(doc)
    assert external.verify_token(req["token_hash"], req["token"])
    assert not external.verify_token(req["token_hash"], req["token"] + "x")
    assert not external.verify_token(req["token_hash"], None)
    assert not external.verify_token(None, req["token"])
    assert external.new_request(batch)["token"] != req["token"]
    assert not external.is_expired(req)
    assert external.is_expired(req, now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    with pytest.raises(SigningError):
        external.new_request(batch, documents=["only one"])


def test_backend_external_check_response(people):
    ca, signer, other = people
    batch = digests(4)
    good = raw_sign(signer.key, batch)
    cert, values = external.check_response(batch, signer.cert_der, good, expected=signer.cert)
    assert cert == signer.cert and values == good
    # base64 everywhere, as on the wire
    body = external.response_body(signer.cert, [ca.cert], good)
    external.check_response(external.new_request(batch)["digests"], body["certificate"], body["signatures"])

    with pytest.raises(SigningError) as info:  # the token signed with another key than the certificate's
        external.check_response(batch, signer.cert, raw_sign(other.key, batch))
    assert info.value.code == "wrong_key"
    with pytest.raises(SigningError) as info:  # one value swapped
        external.check_response(batch, signer.cert, [good[1], good[0], *good[2:]])
    assert info.value.code == "wrong_key"
    with pytest.raises(SigningError) as info:  # another (valid) certificate than the documents were made for
        external.check_response(batch, other.cert, raw_sign(other.key, batch), expected=signer.cert)
    assert info.value.code == "wrong_certificate"
    with pytest.raises(SigningError) as info:
        external.check_response(batch, signer.cert, good[:3])
    assert info.value.code == "bad_response"
    expired = pki.issue(ca, "Hết Hạn", not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), days=30)
    with pytest.raises(SigningError) as info:
        external.check_response(batch, expired.cert, raw_sign(expired.key, batch))
    assert info.value.code == "certificate_expired"


def test_backend_external_backend_replays_checked_values(people):
    ca, signer, _other = people
    batch = digests(5)
    body = external.response_body(signer.cert, [ca.cert], raw_sign(signer.key, batch))
    backend = ExternalBackend.from_response(batch, json.loads(json.dumps(body)), expected=signer.cert)
    assert backend.certificate == signer.cert and backend.chain == [ca.cert]
    values = backend.sign_digests([batch[3], batch[1]])
    assert verify_digest_signature(signer.cert, batch[3], values[0])
    assert verify_digest_signature(signer.cert, batch[1], values[1])
    with pytest.raises(SigningError) as info:
        backend.sign_digests([digests(1)[0]])
    assert info.value.code == "not_signed"
    with pytest.raises(SigningError) as info:
        ExternalBackend(lambda ds: [b"\x00" * 256 for _ in ds], signer.cert).sign_digests(batch)
    assert info.value.code == "wrong_key"


# ---------------------------------------------------------------------------------------------- round trip
class SigningServer:
    """What the Odoo controller will do, in 40 lines: the protocol of backends/external.py."""

    def __init__(self):
        self.store = {}
        self.posts = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _request(self):
                if not self.path.startswith(external.PATH):
                    return self._reply(404, {"error": "not_found"})
                entry = server.store.get(self.path[len(external.PATH):])
                if entry is None:
                    return self._reply(404, {"error": "not_found"})
                auth = self.headers.get("Authorization", "")
                if entry["status"] != "pending" or not external.verify_token(entry["token_hash"],
                                                                             auth.removeprefix("Bearer ")):
                    return self._reply(401, {"error": "invalid_token", "message": "invalid token"})
                return entry

            def do_GET(self):
                entry = self._request()
                if isinstance(entry, dict):
                    self._reply(200, external.request_document(entry["request"]))

            def do_POST(self):
                entry = self._request()
                if not isinstance(entry, dict):
                    return
                server.posts += 1
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                try:
                    entry["backend"] = ExternalBackend.from_response(entry["request"]["digests"], body,
                                                                     expected=entry["request"]["certificate_hint"])
                except SigningError as e:
                    return self._reply(400, {"error": "bad_response", "message": str(e)})
                entry["status"] = "done"  # the token is spent
                self._reply(200, {"status": "done"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, batch, certificate=None):
        req = external.new_request(batch, certificate, documents=[f"Học bạ #{i + 1}" for i in range(len(batch))])
        self.store[req["id"]] = {"request": {k: v for k, v in req.items() if k != "token"},
                                 "token_hash": req["token_hash"], "status": "pending"}
        return req["id"], req["token"]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def signer_args(server, softhsm, request_id, token, *extra):
    return ["--url", server.url, "--request", request_id, "--token", token, "--module", softhsm.module,
            "--token-label", softhsm.token_label, "--key-label", softhsm.key_label, "--pin-env", "HOCBASO_TEST_PIN",
            *extra]


def test_backend_external_desktop_signer_round_trip(softhsm):
    batch = digests(35)
    with SigningServer() as server:
        request_id, token = server.add(batch, softhsm.signer.cert)
        env = dict(softhsm.env, HOCBASO_TEST_PIN=softhsm.pin)
        # as a signer runs it: the script alone, outside Odoo's import machinery
        proc = subprocess.run([sys.executable, DESKTOP_SIGNER, *signer_args(server, softhsm, request_id, token)],
                              env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "Signed 35 document(s): done" in proc.stdout
        assert "Học bạ #35" in proc.stderr
        entry = server.store[request_id]
        assert entry["status"] == "done"
        backend = entry["backend"]
        assert backend.certificate == softhsm.signer.cert
        values = backend.sign_digests(batch)
        assert all(verify_digest_signature(softhsm.signer.cert, d, v) for d, v in zip(batch, values, strict=True))
        # the token is spent
        resp = requests.get(f"{server.url}{external.PATH}{request_id}",
                            headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert resp.status_code == 401


def test_backend_external_desktop_signer_refusals(softhsm, monkeypatch, capsys):
    monkeypatch.setenv("HOCBASO_TEST_PIN", softhsm.pin)
    batch = digests(3)
    with SigningServer() as server:
        request_id, token = server.add(batch, softhsm.signer.cert)
        # wrong one-time token
        assert desktop_signer.main(signer_args(server, softhsm, request_id, "forged")) == 1
        assert "cannot fetch the request" in capsys.readouterr().err
        # the token holds another certificate than the one the documents were prepared for
        args = signer_args(server, softhsm, request_id, token)
        args[args.index("--key-label") + 1] = "other"
        assert desktop_signer.main(args) == 1
        assert "another certificate" in capsys.readouterr().err
        # wrong PIN
        monkeypatch.setenv("HOCBASO_TEST_PIN", "111111")
        assert desktop_signer.main(signer_args(server, softhsm, request_id, token)) == 1
        assert "PIN is wrong" in capsys.readouterr().err
        assert server.posts == 0 and server.store[request_id]["status"] == "pending"
        # plain http to another host is refused
        args = signer_args(server, softhsm, request_id, token)
        args[1] = "http://school.example.vn"
        assert desktop_signer.main(args) == 2
        # --print-certificate
        monkeypatch.setenv("HOCBASO_TEST_PIN", softhsm.pin)
        assert desktop_signer.main(signer_args(server, softhsm, request_id, token, "--print-certificate")) == 0
        assert capsys.readouterr().out == softhsm.signer.cert_pem.decode()


def test_backend_external_server_rejects_wrong_key(softhsm):
    batch = digests(2)
    with SigningServer() as server:
        request_id, token = server.add(batch)  # no certificate hint: any certificate, but it must match the key
        body = external.response_body(softhsm.signer.cert, [], raw_sign(softhsm.other.key, batch))
        url = f"{server.url}{external.PATH}{request_id}"
        resp = requests.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert resp.status_code == 400 and resp.json()["error"] == "bad_response"
        assert "another key" in resp.json()["message"]
        assert server.store[request_id]["status"] == "pending"
        body = external.response_body(softhsm.signer.cert, [], raw_sign(softhsm.signer.key, batch))
        resp = requests.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert resp.json() == {"status": "done"}
