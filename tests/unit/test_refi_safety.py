"""Hostile REFI-QDA files are refused with `UnsafeFile`, and the project stays exactly as it was."""

from __future__ import annotations

import contextlib
import io
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import ImportFailed, RapportError, UnsafeFile
from app.formats.refi_qdc import read_codebook
from app.formats.safe_xml import parse_xml
from app.formats.safe_zip import SafeZip, ZipLimits, resolve_inside
from app.services import exchange
from app.services.project import create_project
from tests.study_presets import exchange_study, row_counts

GUID = "11111111-2222-3333-4444-555555555555"
CODE_GUID = "aaaaaaaa-2222-3333-4444-555555555555"


def project_qde(plain_text_path: str = f"internal://{GUID}.txt") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="Test tool">
  <CodeBook><Codes><Code guid="{CODE_GUID}" name="A" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{GUID}" name="doc" plainTextPath="{plain_text_path}">
    <PlainTextSelection guid="bbbbbbbb-2222-3333-4444-555555555555" startPosition="0" endPosition="5">
      <Coding guid="cccccccc-2222-3333-4444-555555555555"><CodeRef targetGUID="{CODE_GUID}"/></Coding>
    </PlainTextSelection>
  </TextSource></Sources>
</Project>""".encode()


def make_zip(entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="aaaaaaaa-2222-3333-4444-555555555555" name="&lol4;" isCodable="true"/></Codes></CodeBook>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="aaaaaaaa-2222-3333-4444-555555555555" name="&xxe;" isCodable="true"/></Codes></CodeBook>"""


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(UnsafeFile, match="DTD or entities"):
        read_codebook(BILLION_LAUGHS, "laughs.qdc")


def test_external_entity_is_refused() -> None:
    with pytest.raises(UnsafeFile, match=r"xxe\.qdc"):
        read_codebook(EXTERNAL_ENTITY, "xxe.qdc")


def test_doctype_in_utf16_is_refused() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode("utf-16")
    with pytest.raises(UnsafeFile):
        parse_xml(data, "wide.xml")


def test_a_plain_doctype_without_entities_is_refused_too() -> None:
    with pytest.raises(UnsafeFile):
        parse_xml(
            b'<?xml version="1.0"?><!DOCTYPE CodeBook SYSTEM "http://example.com/x.dtd"><CodeBook/>', "x"
        )


def test_malformed_xml_is_an_import_failure_not_a_crash() -> None:
    with pytest.raises(ImportFailed, match="not well-formed"):
        parse_xml(b"<CodeBook><Codes></CodeBook>", "broken.qdc")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("../evil.txt", "outside the archive"),
        ("sources/../../evil.txt", "outside"),
        ("/etc/evil", "absolute"),
        ("C:/evil.txt", "absolute"),
        ("..\\evil.txt", "outside"),
    ],
)
def test_zip_entries_leaving_the_archive_are_refused(entry: str, message: str) -> None:
    data = make_zip({"project.qde": project_qde(), entry: b"x"})
    with pytest.raises(UnsafeFile, match=message):
        SafeZip(data, "evil.qdpx")


def test_an_entry_without_a_name_is_skipped_not_a_crash() -> None:
    """A damaged header can leave an entry's name empty (found by the fuzz test below): it names nothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", project_qde())
        archive.writestr(zipfile.ZipInfo(""), b"x")
    assert SafeZip(buffer.getvalue(), "nameless.qdpx").names() == ["project.qde"]


def test_symlink_entry_is_refused() -> None:
    data = make_zip({"project.qde": project_qde()}, symlink=f"sources/{GUID}.txt")
    with pytest.raises(UnsafeFile, match="symbolic link"):
        SafeZip(data, "link.qdpx")


def test_zip_bomb_by_ratio_is_refused() -> None:
    data = make_zip({"project.qde": project_qde(), f"sources/{GUID}.txt": b"\0" * (4 * 1024 * 1024)})
    assert len(data) < 40_000  # ~4 MB of zeros packed into a few kilobytes
    with pytest.raises(UnsafeFile, match="expands"):
        SafeZip(data, "bomb.qdpx")


def test_zip_bomb_by_entry_count_is_refused() -> None:
    entries = {f"sources/{i}.txt": b"" for i in range(60)}
    with pytest.raises(UnsafeFile, match="60 entries"):
        SafeZip(make_zip(entries), "many.qdpx", ZipLimits(max_entries=50))


def test_total_size_is_bounded_while_reading() -> None:
    text = bytes(range(256)) * 2000  # 512 kB that does not compress: no ratio alarm, only the size
    data = make_zip({"a.txt": text, "b.txt": text})
    archive = SafeZip(data, "big.qdpx", ZipLimits(max_total_bytes=10**9, max_entry_bytes=600_000))
    archive.read("a.txt")
    with pytest.raises(UnsafeFile, match="more than the allowed size"):
        SafeZip(data, "big.qdpx", ZipLimits(max_entry_bytes=100_000)).read("a.txt")
    with pytest.raises(UnsafeFile, match="would unpack"):
        SafeZip(data, "big.qdpx", ZipLimits(max_total_bytes=600_000))


@pytest.mark.parametrize(
    "path", ["file:///etc/passwd", "relative://../x.txt", "internal://../../x.txt", "/etc/passwd"]
)
def test_source_paths_outside_the_archive_are_refused(path: str) -> None:
    with pytest.raises(UnsafeFile):
        resolve_inside(path, "p.qdpx")


def _hostile_files(tmp_path: Path) -> dict[str, bytes]:
    return {
        "laughs.qdc": BILLION_LAUGHS,
        "xxe.qdc": EXTERNAL_ENTITY,
        "dotdot.qdpx": make_zip({"project.qde": project_qde(), "../x.txt": b"hello"}),
        "absolute.qdpx": make_zip({"project.qde": project_qde(), "/tmp/x.txt": b"hello"}),
        "bomb.qdpx": make_zip(
            {"project.qde": project_qde(), f"sources/{GUID}.txt": b"a" * (4 * 1024 * 1024)}
        ),
        "outside.qdpx": make_zip({"project.qde": project_qde("file:///etc/passwd")}),
        "climbing.qdpx": make_zip({"project.qde": project_qde("internal://../../etc/passwd")}),
        "entities.qdpx": make_zip({"project.qde": BILLION_LAUGHS.replace(b"CodeBook", b"Project")}),
    }


def test_hostile_imports_leave_the_project_untouched(project, tmp_path: Path) -> None:
    exchange_study(project)
    before = row_counts(project)
    for name, data in _hostile_files(tmp_path).items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(UnsafeFile):
            exchange.import_refi(project, path)
        assert row_counts(project) == before, name


def test_a_missing_text_file_fails_cleanly(project, tmp_path: Path) -> None:
    path = tmp_path / "missing.qdpx"
    path.write_bytes(make_zip({"project.qde": project_qde()}))
    with pytest.raises(ImportFailed, match="missing from the archive"):
        exchange.import_refi(project, path)
    assert row_counts(project)["documents"] == 0


def test_a_well_formed_minimal_archive_imports(project, tmp_path: Path) -> None:
    path = tmp_path / "ok.qdpx"
    path.write_bytes(make_zip({"project.qde": project_qde(), f"Sources/{GUID}.txt": b"Hello world\r\n"}))
    report = exchange.import_refi(project, path)
    assert (report["documents"], report["codings"]) == (1, 1)


def test_a_malformed_rapport_extension_is_ignored_not_trusted(project, tmp_path: Path) -> None:
    import json

    exchange_study(project)
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    with zipfile.ZipFile(out) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
        document_guid = next(n for n in entries if n.startswith("sources/"))[8:-4]
    entries["rapport/extension.json"] = json.dumps(
        {
            "rapport": 1,
            "variables": [1, 2],
            "coders": {"not-a-guid": {"color": 5}, GUID: "x"},
            "codes": {CODE_GUID: {"shortcut": "one"}},
            "participants": {GUID: {"role": ["client"], "dyads": [[["a"], "client"], "x"]}},
            "sessions": [{"dyad": {}, "number": "1"}, 7],
            "documents": {
                document_guid: {
                    "turns": [[0, "9", None, None, None, None]],
                    "dyad": [1],
                    "session": "x",
                    "kind": 3,
                }
            },
            "memos": {GUID: {"target": "dyad", "dyad": {"a": 1}}},
        }
    ).encode()
    (tmp_path / "odd.qdpx").write_bytes(make_zip(entries))
    with create_project(tmp_path / "copy.rapport") as copy:
        report = exchange.import_project_qdpx(copy, tmp_path / "odd.qdpx")
        assert (report.documents, report.codings, report.memos) == (3, 4, 6)


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory):
    """One project for every fuzzed import (a failed import leaves it as it was; a lucky one only adds)."""
    with create_project(tmp_path_factory.mktemp("fuzz") / "p.rapport") as opened:
        yield opened


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_damaged_archives_raise_only_rapport_errors(fuzz_project, tmp_path_factory, data) -> None:
    original = make_zip(
        {
            "project.qde": project_qde(),
            f"sources/{GUID}.txt": "Therapist: hi 😀\r\nClient: hello\r\n".encode(),
        }
    )
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    path = tmp_path_factory.getbasetemp() / "damaged.qdpx"
    path.write_bytes(bytes(damaged))
    with contextlib.suppress(RapportError):  # anything else (zlib.error, KeyError...) fails the test
        exchange.import_project_qdpx(fuzz_project, path)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_damaged_project_xml_raises_only_rapport_errors(fuzz_project, tmp_path_factory, data) -> None:
    """Flip, drop or insert characters in project.qde itself (stored intact in a valid zip)."""
    qde = bytearray(project_qde())
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(qde) - 1))
        action = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        byte = data.draw(st.sampled_from(list(b'<>"=/ -0123456789abcdef\x00\xff')))
        if action == "flip":
            qde[position] = byte
        elif action == "drop":
            del qde[position]
        else:
            qde.insert(position, byte)
    path = tmp_path_factory.getbasetemp() / "damaged-xml.qdpx"
    path.write_bytes(make_zip({"project.qde": bytes(qde), f"sources/{GUID}.txt": b"Client: hello there\n"}))
    with contextlib.suppress(RapportError):
        exchange.import_project_qdpx(fuzz_project, path)
