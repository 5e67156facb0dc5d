"""Hostile .qdpx files: duplicate GUIDs, NUL in the text, impossible positions, amplification within limits.

Each is refused in one line (the project unchanged) or, for single bad selections, skipped and listed in the
import summary; never clamped, swapped or silently accepted.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.cli_runner import rapport
from tests.hostile.conftest import snapshot

CODE = "aaaaaaaa-2222-3333-4444-555555555555"
SECRET = "Client: my brother hit me when I was nine and nobody ever knew about it."


def source(guid: str, text_path: str, selections: str = "") -> str:
    return f'<TextSource guid="{guid}" name="doc {guid[:4]}" plainTextPath="internal://{text_path}">{selections}</TextSource>'


def selection(guid: str, start: int, end: int) -> str:
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="c{guid[1:]}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
    )


def qdpx(sources: str, texts: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="Test tool">
  <CodeBook><Codes><Code guid="{CODE}" name="Abuse" isCodable="true"/></Codes></CodeBook>
  <Sources>{sources}</Sources>
</Project>""".encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in {**texts, **(extra or {})}.items():
            archive.writestr(f"sources/{name}", data)
    return buffer.getvalue()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.rapport"
    assert rapport("new", path).returncode == 0
    return path


def _refused(study: Path, tmp_path: Path, data: bytes, *words: str) -> str:
    hostile = tmp_path / "other.qdpx"
    hostile.write_bytes(data)
    before = snapshot(study)
    result = rapport("import-refi", study, hostile)
    assert result.returncode == 1, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert snapshot(study) == before
    return result.stderr


def test_two_sources_with_one_guid_are_refused_naming_it_without_their_text(study: Path, tmp_path: Path) -> None:
    guid = "11111111-2222-3333-4444-555555555555"
    data = qdpx(source(guid, "a.txt") + source(guid, "b.txt"), {"a.txt": SECRET.encode(), "b.txt": SECRET.encode()})
    stderr = _refused(study, tmp_path, data, guid)
    assert "brother" not in stderr


def test_nul_in_a_source_is_refused_as_a_txt_import_would_be(study: Path, tmp_path: Path) -> None:
    text = ("Client: fine\x00" + "x" * 56).encode()
    data = qdpx(source("11111111-2222-3333-4444-555555555555", "a.txt"), {"a.txt": text})
    _refused(study, tmp_path, data, "NUL")


def test_impossible_positions_are_skipped_and_listed(study: Path, tmp_path: Path) -> None:
    text = SECRET.encode()
    length = len(SECRET)
    selections = "".join(
        [
            selection("b0000000-2222-3333-4444-555555555555", 0, 6),  # fine
            selection("b1111111-2222-3333-4444-555555555555", 10, length + 40),  # beyond the text
            selection("b2222222-2222-3333-4444-555555555555", -3, 5),  # negative
            selection("b3333333-2222-3333-4444-555555555555", 20, 10),  # reversed
            selection("b0000000-2222-3333-4444-555555555555", 30, 40),  # GUID used twice
        ]
    )
    hostile = tmp_path / "positions.qdpx"
    hostile.write_bytes(qdpx(source("11111111-2222-3333-4444-555555555555", "a.txt", selections), {"a.txt": text}))
    summary = rapport("import-refi", study, hostile, "--json").json()
    assert summary["codings"] == 1
    skipped = summary["skipped"]
    assert sum(n for reason, n in skipped.items() if "impossible positions" in reason) == 3
    assert sum(n for reason, n in skipped.items() if "already used" in reason) == 1
    codings = rapport("codings", study, "--json").json()
    assert [(c["start"], c["end"]) for c in codings] == [(0, 6)]


def test_many_members_within_the_per_member_limits_are_refused_as_a_whole(study: Path, tmp_path: Path) -> None:
    block = b"a" * (1024 * 1024)
    members = {f"m{i}.txt": block for i in range(120)}
    data = qdpx(source("11111111-2222-3333-4444-555555555555", "m0.txt"), {}, members)
    assert len(data) < 1_000_000
    _refused(study, tmp_path, data, "zip bomb")
