"""Every real sample in shared/refi-qda/samples imports with the counts its README.txt lists, and NVivo's
UTF-16 positions land exactly on the text NVivo coded."""

from __future__ import annotations

import bisect
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.formats.refi_positions import CODE_POINTS, UTF16, PositionMap, guess_convention
from app.formats.refi_qdc import read_codebook
from app.formats.refi_qdpx import read_project
from app.services import exchange
from app.storage import models as m
from tests.shared_samples import SAMPLES, require_shared
from tests.study_presets import row_counts


@pytest.fixture(autouse=True, scope="module")  # before the module-scoped samples below
def _samples_present() -> None:
    require_shared(SAMPLES)


NVIVO_WIN = "nvivo-win12.6_oltas0517.qdpx"


def code_count(codes) -> int:
    return sum(1 + code_count(code.children) for code in codes)


@pytest.mark.parametrize(
    ("sample", "users", "codes", "sources", "selections", "codings", "sets"),
    [
        (NVIVO_WIN, 2, 152, 2, 303, 303, 0),
        ("nvivo-mac15_nvivo_project.qdpx", 2, 262, 2, 0, 0, 0),
        ("atlasti-win23.2_target-atlas-project.qdpx", 2, 3, 0, 0, 0, 0),
        ("maxqda24_2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx", 1, 307, 10, 0, 0, 2),
    ],
)
def test_sample_projects_read_with_their_known_counts(
    sample, users, codes, sources, selections, codings, sets
) -> None:
    refi = read_project((SAMPLES / sample).read_bytes(), sample)
    assert len(refi.users) == users
    assert code_count(refi.codes) == codes
    assert len(refi.sources) == sources
    assert sum(len(s.selections) for s in refi.sources) == selections
    assert sum(len(sel.codings) for s in refi.sources for sel in s.selections) == codings
    assert len(refi.sets) == sets
    assert refi.skipped == {}
    for source in refi.sources:  # stored form: LF, no BOM
        assert "\r" not in source.text and not source.text.startswith("\ufeff")


def test_taguette_codebook_with_its_invalid_empty_sets_is_accepted() -> None:
    codebook = read_codebook((SAMPLES / "taguette-1.4.1_codebook.qdc").read_bytes(), "taguette.qdc")
    assert [c.name for c in codebook.codes] == ["xsd:element name", "CodeBook", "Variables"]
    assert codebook.sets == []
    assert codebook.codes[0].guid == "098ac082-a9c7-50f4-9728-48730081a95e"


@pytest.fixture(scope="module")
def nvivo():
    return read_project((SAMPLES / NVIVO_WIN).read_bytes(), NVIVO_WIN)


def _selection(refi, guid_prefix: str):
    for source in refi.sources:
        for selection in source.selections:
            if selection.guid.startswith(guid_prefix):
                return source, selection
    raise AssertionError(guid_prefix)


def test_nvivo_positions_known_answers(nvivo) -> None:
    assert nvivo.position_unit == UTF16
    source, selection = _selection(nvivo, "7154a758-6873-4134-badd-ae1dc04d3086")
    excerpt = source.text[selection.start : selection.end]
    assert excerpt.startswith("Senkit nem lehet kötelezni oltásra,")
    assert excerpt.endswith("szaporodhat és nem élhet.")
    source, selection = _selection(nvivo, "246304c5-80c1-46cd-99dd-ae1dc1e49017")
    excerpt = source.text[selection.start : selection.end]
    assert excerpt.startswith("CDC announces 79% of all U.S. omicron cases")
    assert excerpt.endswith("in vaccinated individuals")


def test_nvivo_edges_fall_on_word_boundaries(nvivo) -> None:
    """The README's heuristic: under the UTF-16 rule 302/303 starts fall on word boundaries."""
    on_boundary = 0
    total = 0
    for source in nvivo.sources:
        for selection in source.selections:
            total += 1
            start = selection.start
            if start == 0 or not (
                re.match(r"\w", source.text[start - 1]) and re.match(r"\w", source.text[start])
            ):
                on_boundary += 1
    assert total == 303 and on_boundary >= 300


def test_unknown_tool_positions_are_guessed_from_word_boundaries() -> None:
    original = "\ufeff😀😀 Hello there\r\n🙂 General Kenobi\r\n"
    hello = original[1:].index("Hello")
    general = original[1:].index("General")
    utf16 = [(hello + 2, hello + 2 + 5), (general + 4, general + 4 + 7)]  # 2 and 4 emoji units before them
    assert guess_convention(original, utf16) == UTF16
    assert guess_convention(original, [(hello, hello + 5), (general, general + 7)]) == CODE_POINTS


def test_position_map_handles_bom_crlf_and_surrogates() -> None:
    original = "\ufeffa😀b\r\nc"
    mapping = PositionMap(original, UTF16)
    normalised = "a😀b\nc"
    # UTF-16 units after the BOM: a=0, 😀=1..2, b=3, CR=4, LF=5, c=6, end=7
    assert [mapping.to_normalised(u) for u in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    assert normalised[mapping.to_normalised(6)] == "c"
    points = PositionMap(original, CODE_POINTS)
    assert [points.to_normalised(u) for u in (0, 1, 2, 3, 5, 6)] == [0, 1, 2, 3, 4, 5]


def test_nvivo_project_imports_with_every_excerpt_exact(project, nvivo) -> None:
    report = exchange.import_refi(project, SAMPLES / NVIVO_WIN)
    assert (report["documents"], report["codes"], report["codings"], report["coders"]) == (2, 152, 303, 2)
    expected = {
        c.guid: (sel.start, sel.end, c.code_guid, source.text[sel.start : sel.end])
        for source in nvivo.sources
        for sel in source.selections
        for c in sel.codings
    }
    with project.read() as session:
        rows = session.execute(
            select(m.Coding.guid, m.Coding.start, m.Coding.end, m.Code.guid.label("code"), m.Document.text)
            .join(m.Code, m.Code.id == m.Coding.code_id)
            .join(m.Document, m.Document.id == m.Coding.document_id)
        ).all()
        colors = set(session.scalars(select(m.Code.color)))
        coders = set(session.scalars(select(m.Coder.name)))
    stored = {r.guid: (r.start, r.end, r.code, r.text[r.start : r.end]) for r in rows}
    assert len(rows) == 303  # duplicated ranges stay separate codings
    assert len({(r.start, r.end) for r in rows}) == 188
    assert stored == expected
    _, known = _selection(nvivo, "7154a758")
    text = stored[known.codings[0].guid][3]
    assert text.startswith("Senkit nem lehet kötelezni oltásra,") and text.endswith(
        "szaporodhat és nem élhet."
    )
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colors)  # NVivo gives no colours: filled in
    assert coders == {"Gergo", "floriansipos"}


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("nvivo-mac15_nvivo_project.qdpx", {"documents": 2, "codes": 262, "coders": 2, "codings": 0}),
        (
            "atlasti-win23.2_target-atlas-project.qdpx",
            {"documents": 0, "codes": 3, "coders": 2, "codings": 0},
        ),
        (
            "maxqda24_2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx",
            {"documents": 10, "codes": 307, "coders": 1, "codings": 0, "sets": 2},
        ),
        ("taguette-1.4.1_codebook.qdc", {"added": 3, "updated": 0, "unchanged": 0}),
    ],
)
def test_every_sample_imports_into_a_project(project, sample: str, expected: dict[str, int]) -> None:
    report = exchange.import_refi(project, SAMPLES / sample)
    assert {k: report[k] for k in expected} == expected
    stored = row_counts(project)
    if "documents" in expected:
        assert stored["documents"] == expected["documents"]
        assert stored["codes"] == expected["codes"]
    if sample.startswith("maxqda"):
        with project.read() as session:
            sizes = [
                len(session.scalars(select(m.SetMember).where(m.SetMember.set_id == s.id)).all())
                for s in session.scalars(select(m.CodeSet))
            ]
        assert sizes == [5, 5]


def test_importing_the_same_codebook_twice_merges(project) -> None:
    exchange.import_refi(project, SAMPLES / "maxqda24_2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx")
    again = exchange.import_refi(project, SAMPLES / "maxqda24_2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx")
    assert (again["codes_added"], again["codes_merged"]) == (0, 307)
    assert row_counts(project)["codes"] == 307
    assert row_counts(project)["documents"] == 20  # documents are always added, under unique names and GUIDs


def _walk_every_character(original: str, unit: str):
    """The obvious (slow) reference: walk each character, counting units and normalised characters."""
    original = original.removeprefix("\ufeff")
    starts, norms, units, norm, previous = [], [], 0, 0, ""
    for ch in original:
        starts.append(units)
        norms.append(norm)
        units += 2 if unit == UTF16 and ord(ch) > 0xFFFF else 1
        norm += 0 if (ch == "\n" and previous == "\r") else 1
        previous = ch

    def to_normalised(offset: int) -> int:
        if offset <= 0:
            return 0
        if offset >= units:
            return norm
        return norms[bisect.bisect_right(starts, offset) - 1]

    return to_normalised, units


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(["a", " ", "\r", "\n", "\r\n", "😀", "é", "\ufeff"]), max_size=30).map(
        "".join
    ),
    unit=st.sampled_from([UTF16, CODE_POINTS]),
)
def test_position_map_equals_walking_every_character(text: str, unit: str) -> None:
    reference, total = _walk_every_character(text, unit)
    mapping = PositionMap(text, unit)
    assert mapping.total_units == total
    assert [mapping.to_normalised(o) for o in range(-1, total + 2)] == [
        reference(o) for o in range(-1, total + 2)
    ]
