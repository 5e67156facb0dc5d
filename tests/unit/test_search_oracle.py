"""Search against an independent oracle: exact totals and match offsets on repetitive text.

The oracle never asks SQLite: it splits each stored turn into words with a regular expression (letters and
digits; everything else, punctuation, emoji and line breaks, separates words), folds case and accents in Python,
and looks for the query's words at consecutive positions. A match runs from the first word's first code point to
the last word's end, overlapping matches merged. Texts come from a few words, so nearly every word repeats in
every turn, with accents, emoji, apostrophes and punctuation inside phrases.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import search
from app.services.importing import DocumentMeta, import_text
from app.services.study import get_document

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

VOCABULARY = ["I", "think", "feel", "safe", "Café", "cafe", "zoë", "it's", "me"]
SEPARATORS = [" ", " ", " ", ", ", "\n", " 😀 ", "… ", " — ", "🙂"]
WORD = re.compile(r"[^\W_]+")
_names = itertools.count(1)


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def expected(text: str, turns: list[tuple[int, int]], phrase: str) -> dict[int, list[tuple[int, int]]]:
    """{turn start: merged document spans} for the turns holding the phrase."""
    wanted = [fold(word) for word in WORD.findall(phrase)]
    found: dict[int, list[tuple[int, int]]] = {}
    for start, end in turns:
        tokens = [
            (m.start() + start, m.end() + start, fold(m.group())) for m in WORD.finditer(text[start:end])
        ]
        spans: list[tuple[int, int]] = []
        for i in range(len(tokens) - len(wanted) + 1):
            if [token[2] for token in tokens[i : i + len(wanted)]] == wanted:
                s, e = tokens[i][0], tokens[i + len(wanted) - 1][1]
                if spans and s <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
                else:
                    spans.append((s, e))
        if spans:
            found[start] = spans
    return found


def transcript(rng: random.Random, turns: int) -> str:
    lines = []
    for _ in range(turns):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(1, 12))]
        body = "".join(word + rng.choice(SEPARATORS) for word in words).replace("\n", "\n  ")
        lines.append(f"{rng.choice(['Client', 'Therapist'])}: {body.strip()}\n")
    return "".join(lines)


def check(project, name: str, phrase: str) -> int:
    document = get_document(project, name)
    turns = [(turn.start, turn.end) for turn in document.turns]
    wanted = expected(document.text, turns, phrase)
    query = '"' + phrase.replace('"', "") + '"'
    result = search.search(project, query, dyad=name, limit=None)
    assert result.total == len(result.hits) == len(wanted), (phrase, result.total, len(wanted))
    assert {hit.start: list(hit.matches) for hit in result.hits} == wanted, phrase
    return sum(len(spans) for spans in wanted.values())


def add(project, text: str) -> str:
    name = f"T{next(_names)}"
    import_text(project, name=name, text=text, meta=DocumentMeta(dyad=name, kind="session"))
    return name


def test_phrases_and_words_over_repetitive_text(project) -> None:
    rng = random.Random(20261203)
    names = [add(project, transcript(rng, 40)) for _ in range(3)]
    phrases = [" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 4))) for _ in range(60)]
    phrases += ["I think I", "me me me", "cafe cafe", "it s", "it's safe", "zoe, I"]
    matched = sum(check(project, name, phrase) for name in names for phrase in phrases)
    assert matched > 300  # many real matches were compared, not empty sets


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.lists(
        st.tuples(st.sampled_from(VOCABULARY[:6]), st.sampled_from(SEPARATORS)), min_size=1, max_size=30
    ).map(lambda pairs: "Client: " + "".join(word + separator for word, separator in pairs) + "\n"),
    phrase=st.lists(st.sampled_from(VOCABULARY[:6]), min_size=1, max_size=4).map(" ".join),
)
def test_any_phrase_in_any_text(project, text: str, phrase: str) -> None:
    check(project, add(project, text), phrase)
