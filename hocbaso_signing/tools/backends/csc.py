"""Sign through a remote signing service speaking the CSC API v1 (Cloud Signature Consortium, v1.0.4).

Viettel MySign (Ascertia ADSS RAS) is one: CSC base ``https://remotesigning.viettel.vn/adss/service/ras/csc/v1``
with its login at ``.../adss/service/ras/v1/login`` (``login_url``); any conformant CA works the same way.
Only the digests leave the server. The calls, all ``POST`` with a JSON body::

    auth/login              HTTP Basic (username, password)         -> {access_token, expires_in}
    credentials/list        {maxResults, clientData?}                -> {credentialIDs, nextPageToken?}
    credentials/info        {credentialID, certificates: "chain"}    -> {key{status, algo, len}, cert{certificates},
                                                                         authMode, SCAL, multisign}
    credentials/authorize   {credentialID, numSignatures, hash[], PIN?, OTP?, description?}  -> {SAD, expiresIn}
    signatures/signHash     {credentialID, SAD, hash[], hashAlgo, signAlgo}                -> {signatures[]}

One ``sign_digests`` call = one ``credentials/authorize`` for the whole batch (``numSignatures`` = number of
digests, hash list pinned in the SAD, so the signer confirms once), then ``signatures/signHash`` with the
same hash list (split into several requests under the same SAD if ``max_hashes_per_request`` is set).
Every returned signature value is verified against the credential's certificate before it is accepted.

Secrets (password, access token, PIN, OTP) stay in memory only and never appear in error messages.
"""

import base64

import requests
from cryptography import x509

from .base import SignerBackend, SigningError, _lt, check_digests, verify_digest_signature

#: sha256WithRSAEncryption: the service hashes nothing, ``hashAlgo`` is implied.
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
#: rsaEncryption (plain PKCS#1 v1.5); ``hashAlgo`` tells which digest the hash values are.
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
SHA256 = "2.16.840.1.101.3.4.2.1"

_PIN_ERRORS = {"invalid_pin", "invalid_otp", "invalid_password"}


def _b64(data):
    return base64.b64encode(data).decode("ascii")


class CscBackend(SignerBackend):
    """:param base_url: CSC API base, endpoints are ``{base_url}/credentials/list`` ...
    :param credential_id: the signer's credential; ``None``: the only credential of the account
    :param username, password: account of the service (``auth/login`` with HTTP Basic), or
    :param access_token: a bearer token obtained elsewhere (OAuth2)
    :param login_url: login endpoint if not ``{base_url}/auth/login`` (MySign: ``.../ras/v1/login``)
    :param pin_provider: callable returning the credential PIN (or ``None``); called once per batch
    :param otp_provider: callable returning the OTP (or ``None``); called once per batch
    :param sign_algo: ``SHA256_WITH_RSA`` (default) or ``RSA_ENCRYPTION`` (then ``hashAlgo`` is sent)
    :param timeout: ``(connect, read)`` seconds for each request
    :param max_hashes_per_request: split signHash into chunks of this size (one SAD for all)
    :param client_data: ``clientData`` sent to the service (the CSC dummy uses it to select a PKI)
    :param session: a ``requests.Session`` (tests, connection pooling)
    """

    def __init__(self, base_url, credential_id=None, *, username=None, password=None, access_token=None,
                 login_url=None, pin_provider=None, otp_provider=None, sign_algo=SHA256_WITH_RSA,
                 timeout=(5, 60), max_hashes_per_request=None, client_data=None, description=None,
                 verify_tls=True, session=None):
        self.base_url = base_url.rstrip("/")
        self.credential_id = credential_id
        self.login_url = login_url or f"{self.base_url}/auth/login"
        self._username = username
        self._password = password
        self._token = access_token
        self._token_from_login = False
        self.pin_provider = pin_provider
        self.otp_provider = otp_provider
        self.sign_algo = sign_algo
        self.timeout = timeout
        self.max_hashes_per_request = max_hashes_per_request
        self.client_data = client_data
        self.description = description
        self.verify_tls = verify_tls
        self.http = session or requests.Session()
        self._info = None
        self._cert = None
        self._chain = []

    # ------------------------------------------------------------------ HTTP
    def _post(self, url, payload, auth=None, headers=None):
        try:
            resp = self.http.post(url, json=payload, auth=auth, headers=headers, timeout=self.timeout,
                                  verify=self.verify_tls)
        except requests.Timeout as e:
            raise SigningError(_lt("The signing service did not answer in time (%(url)s).", url=url),
                               code="timeout") from e
        except requests.RequestException as e:
            raise SigningError(_lt("Cannot reach the signing service at %(url)s.", url=url),
                               code="unreachable") from e
        try:
            data = resp.json() if resp.content else {}
        except ValueError:
            data = None
        if resp.status_code >= 400:
            raise self._http_error(url, resp.status_code, data if isinstance(data, dict) else {})
        if not isinstance(data, dict):
            raise SigningError(_lt("The signing service sent an answer that is not JSON (%(url)s).", url=url),
                               code="bad_answer")
        return data

    @staticmethod
    def _http_error(url, status, data):
        error = str(data.get("error") or "")
        detail = str(data.get("error_description") or data.get("message") or error or f"HTTP {status}")
        if error in _PIN_ERRORS or "pin" in error.lower():
            return SigningError(_lt("The signing service refused the PIN or OTP: %(detail)s", detail=detail),
                                code="wrong_pin")
        if status == 401:
            return SigningError(_lt("The signing service refused the login: %(detail)s", detail=detail),
                                code="auth_failed")
        if status == 404:
            return SigningError(_lt("The signing service does not know this request or credential (%(url)s)",
                                    url=url), code="not_found")
        return SigningError(_lt("The signing service refused the request (%(url)s): %(detail)s",
                                url=url, detail=detail), code="remote_refused")

    def login(self):
        """``auth/login`` with HTTP Basic; keeps the access token in memory."""
        if not self._username:
            raise SigningError(_lt("No account is configured for the signing service."), code="no_account")
        # UTF-8 (RFC 7617 charset="UTF-8"): requests would encode str credentials as Latin-1 and fail on
        # Vietnamese passwords.
        auth = (self._username.encode("utf-8"), (self._password or "").encode("utf-8"))
        data = self._post(self.login_url, {"rememberMe": False}, auth=auth)
        token = data.get("access_token")
        if not token:
            raise SigningError(_lt("The signing service sent no access token."), code="bad_answer")
        self._token = token
        self._token_from_login = True
        return token

    def _call(self, method, payload):
        """POST ``{base_url}/{method}`` with the bearer token; logs in first / again on 401 when it can."""
        if not self._token and self._username:
            self.login()
        url = f"{self.base_url}/{method}"
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
        try:
            return self._post(url, payload, headers=headers)
        except SigningError as e:
            if e.code != "auth_failed" or not self._username or not self._token_from_login:
                raise
        self.login()  # the token expired: one new login, one retry
        return self._post(url, payload, headers={"Authorization": f"Bearer {self._token}"})

    # ------------------------------------------------------------------ credentials
    def list_credentials(self, max_results=100):
        ids, page = [], None
        while True:
            payload = {"maxResults": max_results}
            if page:
                payload["pageToken"] = page
            if self.client_data:
                payload["clientData"] = self.client_data
            data = self._call("credentials/list", payload)
            ids.extend(data.get("credentialIDs") or [])
            page = data.get("nextPageToken")
            if not page:
                return ids

    def info(self):
        """``credentials/info`` (cached): key status and algorithms, certificate chain, authMode, SCAL."""
        if self._info is not None:
            return self._info
        if not self.credential_id:
            ids = self.list_credentials()
            if len(ids) != 1:
                raise SigningError(_lt("The account has %(n)s credentials: choose the one to sign with.",
                                       n=len(ids)), code="credential_ambiguous")
            self.credential_id = ids[0]
        payload = {"credentialID": self.credential_id, "certificates": "chain", "certInfo": False,
                   "authInfo": True}
        if self.client_data:
            payload["clientData"] = self.client_data
        data = self._call("credentials/info", payload)
        try:
            certs = [x509.load_der_x509_certificate(base64.b64decode(c))
                     for c in data["cert"]["certificates"]]
        except (KeyError, TypeError, ValueError) as e:
            raise SigningError(_lt("The signing service sent no usable certificate for the credential."),
                               code="bad_answer") from e
        if not certs:
            raise SigningError(_lt("The signing service sent no usable certificate for the credential."),
                               code="bad_answer")
        self._cert = certs[0]
        self._chain = list(certs[1:])
        self._info = data
        return data

    @property
    def certificate(self):
        self.info()
        return self._cert

    @property
    def chain(self):
        self.info()
        return list(self._chain)

    # ------------------------------------------------------------------ signing
    def authorize(self, digests):
        """``credentials/authorize`` for the whole batch -> SAD."""
        info = self.info()
        key = info.get("key") or {}
        if key.get("status", "enabled") != "enabled":
            raise SigningError(_lt("The signing key of this credential is disabled."), code="key_disabled")
        algos = key.get("algo") or []
        if algos and self.sign_algo not in algos:
            raise SigningError(_lt("The signing service does not offer the algorithm %(algo)s for this key.",
                                   algo=self.sign_algo), code="algorithm")
        payload = {"credentialID": self.credential_id, "numSignatures": len(digests),
                   "hash": [_b64(d) for d in digests]}
        pin = self.pin_provider() if self.pin_provider else None
        otp = self.otp_provider() if self.otp_provider else None
        if pin:
            payload["PIN"] = pin
        if otp:
            payload["OTP"] = otp
        if self.description:
            payload["description"] = self.description[:500]
        if self.client_data:
            payload["clientData"] = self.client_data
        try:
            data = self._call("credentials/authorize", payload)
        finally:
            pin = otp = payload = None
        sad = data.get("SAD")
        if not sad:
            raise SigningError(_lt("The signing service sent no signature activation data (SAD)."),
                               code="bad_answer")
        return sad

    def sign_digests(self, digests):
        digests = check_digests(digests)
        sad = self.authorize(digests)
        size = self.max_hashes_per_request or len(digests)
        signatures = []
        for start in range(0, len(digests), size):
            chunk = digests[start:start + size]
            payload = {"credentialID": self.credential_id, "SAD": sad, "hash": [_b64(d) for d in chunk],
                       "hashAlgo": SHA256, "signAlgo": self.sign_algo}
            if self.client_data:
                payload["clientData"] = self.client_data
            data = self._call("signatures/signHash", payload)
            values = data.get("signatures")
            if not isinstance(values, list) or len(values) != len(chunk):
                raise SigningError(_lt("The signing service returned %(got)s signatures for %(n)s digests.",
                                       got=len(values) if isinstance(values, list) else 0, n=len(chunk)),
                                   code="bad_answer")
            try:
                signatures.extend(base64.b64decode(v, validate=True) for v in values)
            except (TypeError, ValueError) as e:
                raise SigningError(_lt("The signing service returned a malformed signature value."),
                                   code="bad_answer") from e
        cert = self.certificate
        for digest, value in zip(digests, signatures, strict=True):
            if not verify_digest_signature(cert, digest, value):
                raise SigningError(_lt("A signature value from the signing service does not match the "
                                       "credential's certificate."), code="bad_signature")
        return signatures
