"""The whoosh schema of the search index: one whoosh document per speaker turn, per memo, plus bookkeeping.

Records (field `rec`):
- ``turn``: one speaker turn. Its text is indexed exactly as stored (the slice of the document text), so the
  character positions whoosh keeps for every posting are code-point offsets into the turn, and adding the turn's
  start gives offsets into the document.
- ``memo``: the text of one memo (title and body on separate lines), searchable as the kind ``memo``.
- ``doc``: one per indexed document, holding the signature the index was built from (no text). Reading these
  few records tells what the index holds without scanning every turn.
- ``state``: one record holding the project's content version at the last sync.

Two text fields: ``text`` is stemmed and accent-folded (``trusting`` finds ``trusted``; ``cafe`` finds
``café``), ``exact`` is only lower-cased (for ``exact:trusting`` and for wildcards, which make no sense on stems).
Stop words are kept: researchers search for phrases such as "I don't know".

A third, hidden field ``pairs`` makes phrases fast without reading word positions. It holds, without positions
(only which turns hold them, so it stays small and quick to write):
- each pair of adjacent stemmed words ("feel safe", "it sound");
- a marker ``word|+`` for each stemmed word that occurs more than once in the turn;
- for every occurrence of such a repeated word, the three words centred on it ("think i feel" when "i" repeats).
A two-word phrase is one lookup of its pair. A longer phrase is found from these terms alone unless two of its
inner words next to each other are both repeated in a turn; only those turns have word positions read (see
`phrases.py` for why that is exact). Highlights still come from ``text``.
"""

from __future__ import annotations

from whoosh import fields
from whoosh.analysis import (
    CharsetFilter,
    Filter,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StandardAnalyzer,
    StemmingAnalyzer,
)
from whoosh.support.charset import accent_map

# Bump when the schema or analysis changes: an index of another version is thrown away and rebuilt.
SCHEMA_VERSION = "4"

TEXT_FIELD = "text"
EXACT_FIELD = "exact"
PAIRS_FIELD = "pairs"
TEXT_FIELDS = (TEXT_FIELD, EXACT_FIELD)
# Field names a query may use (`speaker:client`), besides the two text fields.
FILTER_FIELDS = ("speaker", "perspective", "kind", "dyad", "session")


REPEATED_SUFFIX = "|+"


def pair_term(first: str, second: str) -> str:
    return f"{first} {second}"


def repeated_term(word: str) -> str:
    return word + REPEATED_SUFFIX


def triple_term(first: str, middle: str, last: str) -> str:
    return f"{first} {middle} {last}"


class WordPairs(Filter):
    """Turns a turn's token stream into the terms of the ``pairs`` field (see the module's docstring)."""

    def __call__(self, tokens):
        token = None
        words: list[str] = []
        for token in tokens:
            if not token.stopped:
                words.append(token.text)
        if token is None:
            return
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        token.stopped = False
        for index in range(len(words) - 1):
            token.text = pair_term(words[index], words[index + 1])
            yield token
            if index and counts[words[index]] > 1:
                token.text = triple_term(words[index - 1], words[index], words[index + 1])
                yield token
        for word, count in counts.items():
            if count > 1:
                token.text = repeated_term(word)
                yield token


def make_schema() -> fields.Schema:
    stemmed = StemmingAnalyzer(stoplist=None, minsize=1) | CharsetFilter(accent_map)
    exact = StandardAnalyzer(stoplist=None, minsize=1)
    speaker = RegexTokenizer() | LowercaseFilter()
    whole_value = IDTokenizer() | LowercaseFilter()
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),  # "doc:12", "memo:3", "state"; turns share no key
        rec=fields.ID(stored=True),
        doc_id=fields.ID(stored=True),
        memo_id=fields.STORED,
        memo_document=fields.STORED,  # the document a memo belongs to (None for other memos)
        dyad_id=fields.ID(stored=True),
        dyad=fields.ID(analyzer=whole_value),  # the dyad's name, for `dyad:D01` in a query
        session=fields.ID(stored=True),  # the session number
        perspective=fields.ID(stored=True, analyzer=whole_value),
        kind=fields.ID(stored=True, analyzer=whole_value),
        speaker=fields.TEXT(analyzer=speaker, stored=True),
        text=fields.TEXT(analyzer=stemmed, chars=True, multitoken_query="phrase"),
        exact=fields.TEXT(analyzer=exact, chars=True, multitoken_query="phrase"),
        pairs=fields.TEXT(analyzer=stemmed | WordPairs(), phrase=False),  # see the module's docstring
        body=fields.STORED,  # the turn's (or memo's) text, for snippets
        start=fields.STORED,  # the turn's offsets in its document
        end=fields.STORED,
        signature=fields.STORED,
    )
