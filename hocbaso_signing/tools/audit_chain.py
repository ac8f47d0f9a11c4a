"""Tamper-evident log of signature events: a SHA-256 hash chain (pure Python, no ORM).

Each entry is ``{seq, prev_hash, hash, **payload}``. The payload names the event: ``document_ref``,
``document_sha256`` (snapshot hash), ``signer``, ``certificate_serial``, ``time`` (ISO 8601) and
``step`` (cascade action or signer role); extra JSON keys (``role``, ``event``: sign / invalidate /
return, ``reason``...) are allowed and covered by the hash. ::

    hash = SHA-256( prev_hash || canonical JSON of {seq, **payload} )

with ``prev_hash`` = :data:`GENESIS` for the first entry and canonical JSON as in ``snapshot``
(sorted keys, no spaces, UTF-8). Changing any field of an entry breaks its own hash; recomputing that
hash breaks the next entry's ``prev_hash``; removing, inserting or reordering entries breaks the
``seq`` numbering and the links. Removing the *last* entries is only visible against a head hash kept
elsewhere (``verify(chain, expected_head=...)``).
"""

import datetime
import hashlib

from odoo.tools.translate import LazyTranslate

from .snapshot import canonical_bytes

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = ["GENESIS", "PAYLOAD_KEYS", "RESERVED_KEYS", "append", "entry_hash", "head", "verify"]

GENESIS = "0" * 64
PAYLOAD_KEYS = ("document_ref", "document_sha256", "signer", "certificate_serial", "time", "step")
RESERVED_KEYS = ("seq", "prev_hash", "hash")


def _normalise(payload):
    data = dict(payload)
    when = data.get("time")
    if isinstance(when, datetime.datetime | datetime.date):
        data["time"] = when.isoformat()
    return data


def entry_hash(prev_hash, payload):
    """Lower-case hex SHA-256 over ``prev_hash`` followed by the canonical JSON of ``payload``
    (datetimes in ``time`` are written in ISO format first)."""
    if not isinstance(prev_hash, str) or len(prev_hash) != 64:
        raise ValueError("prev_hash must be a 64-character hex string")
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_bytes(_normalise(payload))).hexdigest()


def head(chain):
    """Hash of the last entry (:data:`GENESIS` for an empty chain): keep it outside the log to detect
    truncation."""
    return chain[-1]["hash"] if chain else GENESIS


def append(chain, payload):
    """Append a new entry for ``payload`` to ``chain`` (a list, modified in place) and return it.

    :raises ValueError: when a key of :data:`PAYLOAD_KEYS` is missing or a reserved key is used
    """
    missing = [key for key in PAYLOAD_KEYS if key not in payload]
    if missing:
        raise ValueError(f"audit payload misses {missing!r}")
    reserved = [key for key in RESERVED_KEYS if key in payload]
    if reserved:
        raise ValueError(f"audit payload may not set {reserved!r}")
    prev = head(chain)
    body = {"seq": len(chain) + 1, **_normalise(payload)}
    entry = {"seq": body["seq"], "prev_hash": prev, "hash": entry_hash(prev, body)}
    entry.update(body)
    chain.append(entry)
    return entry


def verify(chain, expected_head=None):
    """Check the whole chain.

    :param expected_head: the head hash recorded elsewhere (optional), to detect removed last entries
    :returns: ``(True, None, None)`` or ``(False, index, message)`` with the 0-based index of the first
        broken entry (``len(chain)`` when only the head does not match) and a lazy message
    """
    prev = GENESIS
    for index, entry in enumerate(chain):
        if not isinstance(entry, dict):
            return False, index, _lt("Audit entry %(seq)s is not readable.", seq=index + 1)
        if entry.get("seq") != index + 1:
            return False, index, _lt(
                "Audit entry %(index)s has sequence number %(seq)s: entries were removed, inserted or reordered.",
                index=index + 1, seq=entry.get("seq"),
            )
        if entry.get("prev_hash") != prev:
            return False, index, _lt(
                "Audit entry %(seq)s does not link to the previous entry: the log was rewritten.", seq=index + 1
            )
        body = {key: value for key, value in entry.items() if key not in ("prev_hash", "hash")}
        try:
            computed = entry_hash(prev, body)
        except (TypeError, ValueError):
            computed = None
        if computed != entry.get("hash"):
            return False, index, _lt("Audit entry %(seq)s was altered: its hash does not match.", seq=index + 1)
        prev = entry["hash"]
    if expected_head is not None and expected_head != prev:
        return False, len(chain), _lt(
            "The audit log does not end with its recorded last entry: entries were removed at the end or the "
            "log was rebuilt."
        )
    return True, None, None
