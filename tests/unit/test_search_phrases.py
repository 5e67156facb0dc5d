"""Phrases found through word pairs (app/search/phrases.py) are exactly the phrases in the text.

The oracle is independent of the index: each turn is analysed with the index's own stemming analyzer and the
phrase's stems are looked for at consecutive positions. Texts come from a vocabulary of a few words, so nearly
every word repeats in every turn: the case where pairs alone would mislead.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.search.index import DocumentEntry, SearchIndex, TurnEntry
from app.search.schema import make_schema

VOCABULARY = ["I", "think", "feel", "safe", "me", "it", "sounds", "like"]
ANALYZER = make_schema()["text"].analyzer


def stems(text: str) -> list[str]:
    return [token.text for token in ANALYZER(text)]


def contains(turn: str, phrase: list[str]) -> bool:
    turn_stems, wanted = stems(turn), stems(" ".join(phrase))
    return any(turn_stems[i : i + len(wanted)] == wanted for i in range(len(turn_stems) - len(wanted) + 1))


def document(ident: int, turns: list[str]) -> DocumentEntry:
    text, entries, offset = "", [], 0
    for turn in turns:
        line = f"Client: {turn}\n"
        entries.append(TurnEntry(offset, offset + len(line), "Client"))
        text += line
        offset += len(line)
    return DocumentEntry(ident, text, entries, f"sig-{ident}")


def found(index: SearchIndex, phrase: list[str]) -> set[tuple[int, int]]:
    results = index.search('"' + " ".join(phrase) + '"', limit=None)
    assert results.total == len(results.hits)
    return {(hit.document_id, hit.start) for hit in results.hits}


def expected(documents: list[DocumentEntry], phrase: list[str]) -> set[tuple[int, int]]:
    return {
        (entry.id, turn.start)
        for entry in documents
        for turn in entry.turns
        if contains(entry.text[turn.start : turn.end], phrase)
    }


def random_turns(rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def test_phrases_over_repetitive_text_after_replacements_and_deletions(tmp_path: Path) -> None:
    rng = random.Random(20261129)
    documents = [document(ident, random_turns(rng, 60)) for ident in range(1, 9)]
    index = SearchIndex.open(tmp_path / "index")
    try:
        index.update(documents=documents)
        # Replace two documents and remove one, so segments hold deleted records the pairs still point at.
        documents[0] = document(1, random_turns(rng, 60))
        documents[3] = document(4, random_turns(rng, 60))
        removed = documents.pop(5)
        index.update(documents=[documents[0], documents[3]], remove_documents=[removed.id])
        phrases = [[rng.choice(VOCABULARY) for _ in range(rng.randint(3, 5))] for _ in range(150)]
        phrases += [["I", "think", "I"], ["me", "me", "me"], ["it", "sounds", "like", "it", "sounds"]]
        hits = 0
        for phrase in phrases:
            wanted = expected(documents, phrase)
            assert found(index, phrase) == wanted, phrase
            hits += len(wanted)
        assert hits > 200  # the check above compared many real matches, not empty sets
    finally:
        index.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    turns=st.lists(
        st.lists(st.sampled_from(VOCABULARY[:4]), min_size=1, max_size=12).map(" ".join),
        min_size=1,
        max_size=12,
    ),
    phrase=st.lists(st.sampled_from(VOCABULARY[:4]), min_size=2, max_size=5),
)
def test_any_phrase_in_any_text(tmp_path_factory, turns: list[str], phrase: list[str]) -> None:
    entry = document(1, turns)
    index = SearchIndex.open(tmp_path_factory.mktemp("index"))
    try:
        index.update(documents=[entry])
        assert found(index, phrase) == expected([entry], phrase)
    finally:
        index.close()
