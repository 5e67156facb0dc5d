"""The whoosh-free surface of app/search: records in and hits out, exact spans, manifest, cancel, damage."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.errors import OperationCancelled, SearchError
from app.search.index import DocumentEntry, Filters, MemoEntry, SearchIndex, TurnEntry
from app.search.query_text import check_syntax

# Non-BMP characters everywhere: emoji, a mathematical letter (a word character), a CJK extension B ideograph.
TEXT = (
    "Therapist: 😀😀 You said 𝒜lpha trust — “trust” again?\n"
    "Client: Yes. 𠀋 I trusted him, then\n"
    "lost trust. 🙂 Trusting is hard.\n"
)


def turns_of(text: str) -> list[TurnEntry]:
    second = text.index("Client:")
    return [TurnEntry(0, second, "Therapist"), TurnEntry(second, len(text), "Client")]


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    opened = SearchIndex.open(tmp_path / "index")
    opened.update(
        documents=[
            DocumentEntry(7, TEXT, turns_of(TEXT), "sig-7", dyad_id=1, dyad="D01", session=2, kind="session")
        ],
        content_version="3",
    )
    yield opened
    opened.close()


def words(index: SearchIndex, query: str, **filters) -> list[str]:
    found = index.search(query, Filters(**filters))
    return [TEXT[s:e] for hit in found.hits for s, e in hit.matches]


def test_spans_are_code_points_after_non_bmp_characters(index: SearchIndex) -> None:
    assert words(index, "trust") == ["trust", "trust", "trusted", "trust", "Trusting"]
    assert words(index, "𝒜lpha") == ["𝒜lpha"]
    assert words(index, '"lost trust"') == ["lost trust"]
    assert words(index, '"him then lost"') == ["him, then\nlost"]  # punctuation and a line break inside
    assert words(index, "exact:trusting") == ["Trusting"]


def test_hits_carry_the_turn(index: SearchIndex) -> None:
    found = index.search("hard")
    [hit] = found.hits
    assert (hit.record, hit.document_id, hit.speaker, hit.kind) == ("turn", 7, "Client", "session")
    assert TEXT[hit.start : hit.end] == hit.text and hit.text.startswith("Client:")


def test_filters_inside_the_index(index: SearchIndex) -> None:
    assert words(index, "hard", dyad_ids=frozenset({1}), sessions=frozenset({2})) == ["hard"]
    assert words(index, "hard", dyad_ids=frozenset({2})) == []
    assert words(index, "hard", kinds=frozenset({"recall"})) == []
    assert words(index, "hard", document_ids=frozenset({7})) == ["hard"]


def test_manifest_replace_and_remove(index: SearchIndex) -> None:
    manifest = index.manifest()
    assert manifest.documents == {7: "sig-7"} and manifest.content_version == "3"
    changed = "Client: nothing about that.\n"
    index.update(documents=[DocumentEntry(7, changed, [TurnEntry(0, len(changed), "Client")], "sig-7b")])
    assert index.search("trust").total == 0 and index.search("nothing").total == 1
    index.update(memos=[MemoEntry(3, "Memo on trust 😀", "m3", document_id=7)])
    [memo] = index.search("trust").hits
    assert memo.record == "memo" and memo.memo_id == 3 and memo.text[slice(*memo.matches[0])] == "trust"
    assert index.manifest().memos == {3: "m3"}
    index.update(remove_documents=[7], remove_memos=[3])
    assert index.manifest().documents == {} and index.search("nothing OR trust").total == 0


def test_not_queries_never_return_bookkeeping_records(index: SearchIndex) -> None:
    found = index.search("NOT zebra")
    assert found.total == 2 and {hit.record for hit in found.hits} == {"turn"}


def test_cancelled_update_leaves_the_index_as_it_was(index: SearchIndex) -> None:
    other = "Client: trust\n"
    with pytest.raises(OperationCancelled):
        index.update(
            documents=[DocumentEntry(8, other, [TurnEntry(0, len(other), "Client")], "s8")],
            remove_documents=[7],
            cancelled=lambda: True,
        )
    assert index.manifest().documents == {7: "sig-7"}
    assert index.search("trust").total == 2


def test_reopening_keeps_the_index_and_damage_means_empty(tmp_path: Path, index: SearchIndex) -> None:
    index.close()
    again = SearchIndex.open(tmp_path / "index")
    assert not again.fresh and again.manifest().documents == {7: "sig-7"}
    again.close()
    for path in (tmp_path / "index").iterdir():
        if path.suffix in (".toc", ".seg"):
            path.write_bytes(b"\x00" * 64)
    damaged = SearchIndex.open(tmp_path / "index")
    assert damaged.fresh and damaged.manifest().documents == {}
    damaged.close()


@pytest.mark.parametrize(
    "query",
    ['"open', "(a OR b", "a OR b)", "a AND", "NOT", "AND a", "a OR OR b", "nope:x", "speaker:", "", "  "],
)
def test_malformed_queries_are_refused(query: str) -> None:
    with pytest.raises(SearchError):
        check_syntax(query)


@pytest.mark.parametrize(
    "query",
    [
        '"felt safe"',
        "trust*",
        "a AND NOT b",
        "NOT b",
        "speaker:client",
        "Speaker:Client",
        '"10:30 meeting"',
        "at 10:30",
    ],
)
def test_wellformed_queries_pass(query: str) -> None:
    check_syntax(query)


def test_totals_stay_exact_after_records_are_replaced(tmp_path: Path) -> None:
    opened = SearchIndex.open(tmp_path / "index")
    texts = {n: f"Client: trust me {n}.\nTherapist: it sounds like you trust her\n" for n in range(1, 5)}

    def entry(n: int, text: str) -> DocumentEntry:
        second = text.index("Therapist:")
        turns = [TurnEntry(0, second, "Client"), TurnEntry(second, len(text), "Therapist")]
        return DocumentEntry(n, text, turns, f"s{n}")

    opened.update(documents=[entry(n, t) for n, t in texts.items()], content_version="1")
    assert opened.search("trust").total == 8 and opened.search('"it sounds like"').total == 4
    changed = "Client: no longer.\nTherapist: it sounds like a change\n"
    opened.update(documents=[entry(2, changed)], remove_documents=[3], content_version="2")  # deletions now
    assert opened.search("trust").total == 4
    assert len(opened.search("trust", limit=None).hits) == 4
    assert opened.search('"it sounds like"').total == 3
    assert opened.search('"it sounds like a change"').total == 1
    assert [changed[s:e] for h in opened.search('"like a change"').hits for s, e in h.matches] == [
        "like a change"
    ]
    opened.close()
