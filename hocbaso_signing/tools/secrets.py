"""Server-side secret box: PINs and passwords are never stored in clear.

A secret that must survive one HTTP round trip (a signing wizard) is encrypted with a Fernet key kept outside
the database: the ``hocbaso_secret_key`` option of the Odoo configuration file, or else a key file
``<data_dir>/hocbaso_secret.key`` created with mode 0600 on first use.
"""

import os

from cryptography.fernet import Fernet, InvalidToken


def _key(data_dir, configured=None):
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, "hocbaso_secret.key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(Fernet.generate_key())
    with open(path, "rb") as fh:
        return fh.read().strip()


def encrypt(secret, data_dir, configured=None):
    if not secret:
        return False
    return Fernet(_key(data_dir, configured)).encrypt(secret.encode()).decode()


def decrypt(token, data_dir, configured=None):
    if not token:
        return None
    try:
        return Fernet(_key(data_dir, configured)).decrypt(token.encode()).decode()
    except InvalidToken:
        return None
