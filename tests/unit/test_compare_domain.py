"""Pure rules of the comparison: word counting, video moments, clustering, alignment (no storage)."""

from __future__ import annotations

from dataclasses import replace

from app.domain.comparison import (
    CodeNode,
    CodeTree,
    CodingRow,
    DocumentRow,
    TurnRow,
    compare,
    find_shared_moments,
    make_excerpts,
    video_moments,
)
from app.domain.side_by_side import align_side_by_side
from app.domain.word_count import count_words, widen_to_words, words_in_union


def test_tokenizer_keeps_apostrophes_inside_words() -> None:
    assert count_words("I don't know, rock'n'roll isn’t 'quoted' [video 00:12:31]") == 10


def test_partial_and_overlapping_spans_count_each_word_once() -> None:
    text = "we trust each other now"
    assert widen_to_words(text, 4, 6) == (3, 8)  # "ru" inside "trust" widens to the word
    assert words_in_union(text, [(3, 14), (9, 19)]) == 3  # "trust each other", overlap once
    assert words_in_union(text, [(3, 5), (6, 8)]) == 1  # two halves of one word count one word
    assert words_in_union(text, []) == 0


def test_later_turns_inherit_the_latest_video_reference() -> None:
    turns = [
        TurnRow(0, 5, "R", None, 1000),
        TurnRow(5, 9, "C"),
        TurnRow(9, 12, "R", None, 7000),
        TurnRow(12, 15),
    ]
    assert video_moments(turns) == [1000, 1000, 7000, 7000]
    assert video_moments([TurnRow(0, 3), TurnRow(3, 6, video_ref_ms=500)]) == [None, 500]


def _doc(doc_id: int, perspective: str, refs: list[int | None], session: int = 1) -> DocumentRow:
    text = "".join(f"Speaker: turn {i} words here.\n" for i in range(len(refs)))
    turns, pos = [], 0
    for i, ref in enumerate(refs):
        line = f"Speaker: turn {i} words here.\n"
        turns.append(TurnRow(pos, pos + len(line), "Speaker", None, ref))
        pos += len(line)
    return DocumentRow(doc_id, f"doc{doc_id}", perspective, "recall", session, text, turns)


def _coding(coding_id: int, doc: DocumentRow, turn: int, code: int = 1) -> CodingRow:
    start = doc.turns[turn].start + 9
    return CodingRow(coding_id, code, doc.id, start, start + 6)


def test_coding_takes_the_moment_of_the_turn_containing_its_start() -> None:
    tree = CodeTree([CodeNode(1, None, "Trust")])
    doc = _doc(1, "client", [10_000, None, 50_000])
    excerpts = make_excerpts(tree, [doc], [_coding(1, doc, 1), _coding(2, doc, 2)])
    assert [e.video_ref_ms for e in excerpts] == [10_000, 50_000]


def test_single_linkage_chains_and_needs_two_perspectives() -> None:
    tree = CodeTree([CodeNode(1, None, "Trust")])
    client = _doc(1, "client", [0, 25_000, 200_000])
    therapist = _doc(2, "therapist", [50_000, 260_000])
    codings = [_coding(1, client, 0), _coding(2, client, 1), _coding(3, therapist, 0), _coding(4, client, 2)]
    codings.append(_coding(5, therapist, 1))
    excerpts = make_excerpts(tree, [client, therapist], codings)
    moments = find_shared_moments(tree, excerpts, 30_000)
    assert [(m.time_ms, m.end_ms, m.codings) for m in moments] == [
        (0, 50_000, {"client": [1, 2], "therapist": [3]})
    ]  # 200 s and 260 s are 60 s apart: no moment
    assert find_shared_moments(tree, excerpts, 60_000)[1].codings == {"client": [4], "therapist": [5]}
    assert find_shared_moments(tree, excerpts, 20_000) == []  # 25 s gap breaks the chain


def test_moments_never_join_different_sessions_or_non_recall_documents() -> None:
    tree = CodeTree([CodeNode(1, None, "Trust")])
    client = _doc(1, "client", [10_000], session=1)
    therapist = _doc(2, "therapist", [10_000], session=2)
    note = DocumentRow(3, "note", "therapist", "note", 1, client.text, client.turns)
    excerpts = make_excerpts(
        tree,
        [client, therapist, note],
        [_coding(1, client, 0), _coding(2, therapist, 0), _coding(3, note, 0)],
    )
    assert find_shared_moments(tree, excerpts) == []


def test_rollup_uses_union_and_one_sided_needs_another_perspective() -> None:
    codes = [CodeNode(1, None, "Rupture"), CodeNode(2, 1, "Withdrawal"), CodeNode(3, 1, "Confrontation")]
    client = _doc(1, "client", [None, None])
    therapist = _doc(2, "therapist", [None])
    same_span = CodingRow(1, 2, 1, 9, 15)
    result = compare(
        "D", codes, [client, therapist], [same_span, CodingRow(2, 3, 1, 9, 15), CodingRow(3, 3, 2, 9, 15)]
    )
    parent = result.row(1)
    assert parent is not None
    assert parent.cells["client"].codings == 2
    assert parent.cells["client"].coded_words == 2  # "turn 0" once, though two sub-codes cover it
    assert parent.cells["client"].total_words == count_words(client.text)
    assert [(o.code, o.perspective) for o in result.one_sided] == [("Rupture/Withdrawal", "client")]
    alone = compare("D", codes, [client], [same_span])
    assert alone.one_sided == []  # nobody else to compare with


def test_alignment_pairs_moments_and_falls_back_to_order() -> None:
    tree = CodeTree([CodeNode(1, None, "Trust")])
    client = _doc(1, "client", [10_000, 400_000])
    therapist = _doc(2, "therapist", [15_000, None])
    untimed = DocumentRow(3, "c-note", "client", "note", 1, client.text, [TurnRow(0, len(client.text))])
    t_untimed = DocumentRow(4, "t-note", "therapist", "note", 1, client.text, [TurnRow(0, len(client.text))])
    codings = [_coding(1, client, 0), _coding(2, client, 1), _coding(3, therapist, 0)]
    codings += [CodingRow(4, 1, 3, 0, 4), CodingRow(5, 1, 4, 0, 4)]
    excerpts = make_excerpts(tree, [client, therapist, untimed, t_untimed], codings)
    rows = align_side_by_side(excerpts, ("client", "therapist"), 30_000)
    shape = [(r.time_ms, {p: e.coding_id if e else None for p, e in r.cells.items()}) for r in rows]
    assert shape == [
        (10_000, {"client": 1, "therapist": 3}),
        (400_000, {"client": 2, "therapist": None}),
        (None, {"client": 4, "therapist": 5}),
    ]


def test_moments_may_pool_sub_codes_of_one_theme() -> None:
    codes = [CodeNode(1, None, "Rupture"), CodeNode(2, 1, "Withdrawal"), CodeNode(3, 1, "Confrontation")]
    tree = CodeTree(codes)
    client = _doc(1, "client", [60_000])
    therapist = _doc(2, "therapist", [70_000])
    excerpts = make_excerpts(
        tree, [client, therapist], [_coding(1, client, 0, code=2), _coding(2, therapist, 0, code=3)]
    )
    assert find_shared_moments(tree, excerpts) == []  # different sub-codes never meet on their own
    pooled = find_shared_moments(tree, excerpts, include_subcodes=True)
    assert [(m.code, m.time_ms, m.codings) for m in pooled] == [
        ("Rupture", 60_000, {"client": [1], "therapist": [2]})
    ]


def test_side_by_side_reads_a_passage_several_coders_coded_once_with_their_names() -> None:
    tree = CodeTree([CodeNode(1, None, "Trust"), CodeNode(2, 1, "Safety")])
    client = _doc(1, "client", [10_000, 50_000])
    therapist = _doc(2, "therapist", [12_000])
    first, other_turn = _coding(1, client, 0), _coding(4, client, 1)
    codings = [
        replace(first, coder="Ben"),
        replace(first, id=2, coder="Ana"),  # the same passage and code by another coder: merged
        replace(first, id=3, code_id=2, coder="Ana"),  # the same passage under a sub-code: its own excerpt
        replace(other_turn, coder="Ana"),
        replace(_coding(5, therapist, 0), coder="Ben"),
    ]
    rows = align_side_by_side(make_excerpts(tree, [client, therapist], codings), ("client", "therapist"))
    cells = [{p: (e.coding_id, e.coder) if e else None for p, e in r.cells.items()} for r in rows]
    assert cells == [
        {"client": (1, "Ana, Ben"), "therapist": (5, "Ben")},
        {"client": (3, "Ana"), "therapist": None},
        {"client": (4, "Ana"), "therapist": None},
    ]
