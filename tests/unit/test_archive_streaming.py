"""Streaming JSON for the archive (pure)."""

from __future__ import annotations

import json

from crisis.archive import manifest
from crisis.archive.manifest import Stream


def test_streamed_json_parses_to_the_same_value_and_never_needs_the_list():
    consumed = []

    def items():
        for i in range(3):
            consumed.append(i)
            yield {"n": i, "text": "rad 1\nrad 2 åäö", "nested": {"b": [1, 2], "a": None}}

    pieces = manifest.iter_dumps({"incident": 7, "entries": Stream(items()), "empty": Stream([]), "meta": {}})
    first = next(pieces)
    assert consumed == []  # nothing read before the first piece is written
    text = first + "".join(pieces)
    assert json.loads(text) == {
        "incident": 7,
        "empty": [],
        "meta": {},
        "entries": [{"n": i, "text": "rad 1\nrad 2 åäö", "nested": {"a": None, "b": [1, 2]}} for i in range(3)],
    }
    assert text.count("\n") == 3 + 2 + 4  # one line per streamed item, keys on their own lines
    assert "åäö" in text  # UTF-8, not \\u escapes


def test_plain_values_are_written_as_dumps_writes_them():
    obj = {"b": [1, {"x": "y"}], "a": {"n": None}}
    assert "".join(manifest.iter_dumps(obj)).encode("utf-8") == manifest.dumps(obj)


def test_manifest_from_digests_matches_manifest_from_bytes():
    files = {"a.json": b"{}", "b.csv": "åäö".encode()}
    by_bytes = manifest.build(
        files, incident_id=1, chain_head="0" * 64, entry_count=0, exported_at="t", exported_by="L"
    )
    digests = {n: (manifest.sha256(d), len(d)) for n, d in files.items()}
    assert (
        manifest.build_from_digests(
            digests, incident_id=1, chain_head="0" * 64, entry_count=0, exported_at="t", exported_by="L"
        )
        == by_bytes
    )
