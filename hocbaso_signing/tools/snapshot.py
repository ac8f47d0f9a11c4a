"""The frozen snapshot: the one dict both renditions (PDF and XML) are produced from.

``canonical_bytes`` is the byte form whose SHA-256 ties the two renditions together: JSON with sorted keys,
no insignificant spaces, UTF-8 (not ASCII-escaped), NaN/Infinity refused. See docs/signing-contract.md.
"""

import hashlib
import json

__all__ = ["canonical_bytes", "sha256"]


def canonical_bytes(snapshot):
    """Canonical JSON of ``snapshot`` (dict of JSON types only) as UTF-8 bytes."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256(snapshot):
    """Lower-case hex SHA-256 of :func:`canonical_bytes`."""
    return hashlib.sha256(canonical_bytes(snapshot)).hexdigest()
