"""Signer backends: every backend signs SHA-256 digests; documents are prepared and finished around it."""

from .base import SignerBackend, SigningError

__all__ = ["SignerBackend", "SigningError"]
