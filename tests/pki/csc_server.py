"""CSC API v1 test server: certomancer-csc-dummy plus the parts a real service (Viettel MySign) has.

Runs in ``.build/venv-pki`` (certomancer needs cryptography >= 49), started by ``tests/support/services.py``::

    .build/venv-pki/bin/python tests/pki/csc_server.py --config tests/pki/certomancer.yml \\
        --key-root <dir> --port <port> --url-prefix http://127.0.0.1:<animator port>

The dummy server (``csc_dummy.csc_dummy_server.CSCWithCertomancer``) implements credentials/list,
credentials/info, credentials/authorize (SAD with hash pinning) and signatures/signHash with the keys of the
certomancer configuration, but authenticates nobody. This wrapper adds, in front of the same handlers:

- ``POST /csc/v1/auth/login`` with HTTP Basic credentials -> ``{"access_token", "expires_in"}``;
- a bearer-token check on every other ``/csc/v1/`` endpoint except ``info`` (401 otherwise);
- a PIN check in ``credentials/authorize`` (``authMode: explicit`` in credentials/info);
- counters for the tests: ``GET /test/stats`` (logins, authorizations with their ``numSignatures``,
  signHash calls with their hash counts), ``POST /test/reset``, ``POST /test/expire-tokens`` (every access
  token becomes invalid, as after their lifetime).

Secrets come from the environment: ``CSC_TEST_USERNAME``, ``CSC_TEST_PASSWORD``, ``CSC_TEST_PIN`` and
optionally ``CSC_TEST_STATIC_TOKEN`` (a pre-issued bearer token). Test material only.
"""

import argparse
import base64
import json
import logging
import os
import secrets

from aiohttp import web
from certomancer import registry
from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams, GeneralServiceInfo

OPEN_PATHS = {"/csc/v1/info", "/csc/v1/auth/login"}


def _error(status, error, description):
    return web.json_response({"error": error, "error_description": description}, status=status)


def build_app(cfg, username, password, pin, static_token=None):
    tokens = {static_token} if static_token else set()
    stats = {"logins": 0, "authorize": [], "sign_hash": [], "rejected": 0}

    @web.middleware
    async def gate(request, handler):
        path = request.path
        if path.startswith("/csc/v1/") and path not in OPEN_PATHS:
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer ") or header[7:] not in tokens:
                stats["rejected"] += 1
                return _error(401, "invalid_token", "The access token is missing, invalid or expired")
        if path == "/csc/v1/credentials/authorize":
            body = await request.json()
            if body.get("PIN") != pin:
                stats["rejected"] += 1
                return _error(400, "invalid_pin", "The PIN is invalid")
            response = await handler(request)
            if response.status == 200:
                stats["authorize"].append({"credentialID": body.get("credentialID"),
                                           "numSignatures": body.get("numSignatures"),
                                           "hashes": len(body.get("hash") or [])})
            return response
        if path == "/csc/v1/signatures/signHash":
            body = await request.json()
            response = await handler(request)
            if response.status == 200:
                stats["sign_hash"].append({"credentialID": body.get("credentialID"),
                                           "hashes": len(body.get("hash") or [])})
            return response
        if path == "/csc/v1/credentials/info":
            response = await handler(request)
            if response.status == 200:
                data = json.loads(response.body)
                data["authMode"] = "explicit"
                data["PIN"] = {"presence": "true", "format": "N", "label": "PIN"}
                return web.json_response(data)
            return response
        return await handler(request)

    async def login(request):
        header = request.headers.get("Authorization", "")
        try:
            user, _, pwd = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            user = pwd = None
        if not header.startswith("Basic ") or user != username or pwd != password:
            return _error(401, "authentication_error", "Invalid username or password")
        token = secrets.token_urlsafe(24)
        tokens.add(token)
        stats["logins"] += 1
        return web.json_response({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    async def get_stats(request):
        return web.json_response(stats)

    async def reset(request):
        stats.update(logins=0, authorize=[], sign_hash=[], rejected=0)
        return web.json_response({"status": "ok"})

    async def expire_tokens(request):
        tokens.clear()
        return web.json_response({"status": "ok"})

    csc = CSCWithCertomancer(
        cfg,
        svc_info=GeneralServiceInfo(name="Hoc ba so CSC test server", auth_type=["basic"]),
        service_params=DummyServiceParams(hash_pinning_required=True, multisign=100),
    )
    csc.app.middlewares.append(gate)
    csc.app.add_routes([
        web.post("/csc/v1/auth/login", login),
        web.get("/test/stats", get_stats),
        web.post("/test/reset", reset),
        web.post("/test/expire-tokens", expire_tokens),
    ])
    csc.register_routes()
    return csc.app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--key-root", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--url-prefix", default=None, help="external URL prefix of the certomancer services")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = registry.CertomancerConfig.from_file(args.config, key_search_dir=args.key_root,
                                               external_url_prefix=args.url_prefix)
    app = build_app(cfg, os.environ["CSC_TEST_USERNAME"], os.environ["CSC_TEST_PASSWORD"],
                    os.environ["CSC_TEST_PIN"], os.environ.get("CSC_TEST_STATIC_TOKEN") or None)
    web.run_app(app, host=args.host, port=args.port, print=lambda *a: print(*a, flush=True))


if __name__ == "__main__":
    main()
