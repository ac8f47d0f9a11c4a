"""Tamper-evident hash chain of signature events (hocbaso_signing.tools.audit_chain)."""

import copy
import datetime
import hashlib
import json

import pytest

from odoo.addons.hocbaso_signing.tools import audit_chain


def payload(n, **kw):
    data = {
        "document_ref": f"HB-001-2025-2026-HS{n}-v1",
        "document_sha256": hashlib.sha256(str(n).encode()).hexdigest(),
        "signer": "Nguyễn Văn A",
        "certificate_serial": f"54{n:04d}",
        "time": f"2026-06-0{1 + n % 9}T08:00:00+07:00",
        "step": ("sign_homeroom", "sign_principal", "seal")[n % 3],
    }
    data.update(kw)
    return data


@pytest.fixture
def chain():
    entries = []
    for n in range(5):
        audit_chain.append(entries, payload(n))
    return entries


def test_genesis_and_append(chain):
    assert audit_chain.GENESIS == "0" * 64
    assert [e["seq"] for e in chain] == [1, 2, 3, 4, 5]
    assert chain[0]["prev_hash"] == audit_chain.GENESIS
    for prev, entry in zip(chain, chain[1:], strict=False):
        assert entry["prev_hash"] == prev["hash"]
    assert chain[2]["signer"] == "Nguyễn Văn A"
    assert audit_chain.head(chain) == chain[-1]["hash"]
    assert audit_chain.head([]) == audit_chain.GENESIS
    assert audit_chain.verify(chain) == (True, None, None)
    assert audit_chain.verify([]) == (True, None, None)


def test_entry_hash_is_sha256_of_prev_and_canonical_json():
    data = {"b": 1, "a": "ă"}
    expected = hashlib.sha256(
        (audit_chain.GENESIS + json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
        .encode("utf-8")
    ).hexdigest()
    assert audit_chain.entry_hash(audit_chain.GENESIS, data) == expected
    assert audit_chain.entry_hash(audit_chain.GENESIS, {"a": "ă", "b": 1}) == expected  # key order irrelevant
    assert audit_chain.entry_hash("1" * 64, data) != expected
    with pytest.raises(ValueError):
        audit_chain.entry_hash("abc", data)


def test_entry_hash_covers_seq(chain):
    entry = chain[0]
    body = {k: v for k, v in entry.items() if k not in ("prev_hash", "hash")}
    assert audit_chain.entry_hash(audit_chain.GENESIS, body) == entry["hash"]
    assert audit_chain.entry_hash(audit_chain.GENESIS, payload(0)) != entry["hash"]


def test_datetime_time_is_stored_as_iso():
    entries = []
    when = datetime.datetime(2026, 6, 10, 8, 30, tzinfo=datetime.UTC)
    entry = audit_chain.append(entries, payload(1, time=when))
    assert entry["time"] == "2026-06-10T08:30:00+00:00"
    assert audit_chain.verify(entries)[0]


def test_extra_keys_are_covered(chain):
    entries = []
    audit_chain.append(entries, payload(1, event="invalidate", reason="Sai điểm"))
    assert audit_chain.verify(entries)[0]
    entries[0]["reason"] = "khác"
    assert audit_chain.verify(entries)[:2] == (False, 0)


def test_append_validates_payload():
    with pytest.raises(ValueError):
        audit_chain.append([], {"signer": "x"})
    with pytest.raises(ValueError):
        audit_chain.append([], payload(1, seq=7))
    with pytest.raises(ValueError):
        audit_chain.append([], payload(1, hash="0" * 64))


def test_append_does_not_keep_reference_to_payload():
    entries, data = [], payload(1)
    audit_chain.append(entries, data)
    data["signer"] = "changed"
    assert audit_chain.verify(entries)[0]


@pytest.mark.parametrize("key", audit_chain.PAYLOAD_KEYS)
@pytest.mark.parametrize("index", [0, 2, 4])
def test_altered_payload_is_detected(chain, key, index):
    chain[index][key] = chain[index][key] + "x"
    ok, broken, message = audit_chain.verify(chain)
    assert (ok, broken) == (False, index)
    assert "altered" in str(message)


def test_altered_payload_with_recomputed_hash_breaks_next_link(chain):
    chain[1]["certificate_serial"] = "FORGED"
    body = {k: v for k, v in chain[1].items() if k not in ("prev_hash", "hash")}
    chain[1]["hash"] = audit_chain.entry_hash(chain[1]["prev_hash"], body)
    ok, broken, message = audit_chain.verify(chain)
    assert (ok, broken) == (False, 2)
    assert "does not link" in str(message)


def test_altered_hash_is_detected(chain):
    chain[3]["hash"] = "f" * 64
    assert audit_chain.verify(chain)[:2] == (False, 3)


def test_altered_prev_hash_is_detected(chain):
    chain[2]["prev_hash"] = "a" * 64
    assert audit_chain.verify(chain)[:2] == (False, 2)


def test_altered_seq_is_detected(chain):
    chain[2]["seq"] = 9
    ok, broken, message = audit_chain.verify(chain)
    assert (ok, broken) == (False, 2)
    assert "removed, inserted or reordered" in str(message)


@pytest.mark.parametrize("index", [0, 1, 3])
def test_removed_entry_is_detected(chain, index):
    del chain[index]
    assert audit_chain.verify(chain)[:2] == (False, index)


def test_removed_entry_with_renumbering_is_detected(chain):
    del chain[2]
    for seq, entry in enumerate(chain, start=1):
        entry["seq"] = seq
    assert audit_chain.verify(chain)[:2] == (False, 2)


def test_removed_last_entry_needs_the_head(chain):
    head = audit_chain.head(chain)
    truncated = chain[:-1]
    assert audit_chain.verify(truncated) == (True, None, None)  # a prefix is a valid chain
    ok, broken, message = audit_chain.verify(truncated, expected_head=head)
    assert (ok, broken) == (False, 4)
    assert "removed at the end" in str(message)
    assert audit_chain.verify(chain, expected_head=head) == (True, None, None)


def test_reordered_entries_are_detected(chain):
    chain[1], chain[2] = chain[2], chain[1]
    assert audit_chain.verify(chain)[:2] == (False, 1)


def test_reordered_entries_with_swapped_seq_are_detected(chain):
    chain[1], chain[2] = chain[2], chain[1]
    chain[1]["seq"], chain[2]["seq"] = 2, 3
    assert audit_chain.verify(chain)[:2] == (False, 1)


def test_inserted_entry_is_detected(chain):
    forged = copy.deepcopy(chain[1])
    chain.insert(2, forged)
    assert audit_chain.verify(chain)[:2] == (False, 2)


def test_unreadable_entry(chain):
    chain[1] = "garbage"
    assert audit_chain.verify(chain)[:2] == (False, 1)
    chain[1] = {"seq": 2, "prev_hash": chain[0]["hash"], "hash": "0" * 64, "time": {1, 2}}
    assert audit_chain.verify(chain)[:2] == (False, 1)


def test_rebuilding_the_whole_chain_changes_the_head(chain):
    head = audit_chain.head(chain)
    rebuilt = []
    for entry in chain:
        data = {k: v for k, v in entry.items() if k not in ("seq", "prev_hash", "hash")}
        if entry["seq"] == 2:
            data["signer"] = "Someone else"
        audit_chain.append(rebuilt, data)
    assert audit_chain.verify(rebuilt)[0]  # internally consistent...
    assert audit_chain.verify(rebuilt, expected_head=head)[:2] == (False, 5)  # ...but not the recorded head
