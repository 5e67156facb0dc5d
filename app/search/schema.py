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

A third, hidden field ``pairs`` indexes each run of two and of three adjacent stemmed words ("feel safe",
"it sound like"), without positions (only which turns hold it, so it stays small). A phrase is searched there
first (see `collect.py`): a phrase of two or three words becomes one term lookup, a longer one must hold all
its three-word runs before word positions are checked; highlights still come from the ``text`` field.
"""

from __future__ import annotations

from collections import deque

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
SCHEMA_VERSION = "3"

TEXT_FIELD = "text"
EXACT_FIELD = "exact"
PAIRS_FIELD = "pairs"
TEXT_FIELDS = (TEXT_FIELD, EXACT_FIELD)
# Field names a query may use (`speaker:client`), besides the two text fields.
FILTER_FIELDS = ("speaker", "perspective", "kind", "dyad", "session")


class WordGroups(Filter):
    """Turns a token stream into its runs of two and of three adjacent tokens ("a b", "a b c"), each at the
    position of its first token and spanning its characters."""

    def __call__(self, tokens):
        window: deque = deque(maxlen=3)
        for token in tokens:
            if token.stopped:
                continue
            window.append(token.copy())
            if len(window) >= 2:
                yield _group(list(window)[-2:])
            if len(window) == 3:
                yield _group(list(window))


def _group(members: list) -> object:
    token = members[0].copy()
    token.text = " ".join(member.text for member in members)
    if token.chars:
        token.endchar = members[-1].endchar
    return token


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
        pairs=fields.TEXT(
            analyzer=stemmed | WordGroups(), phrase=False
        ),  # which turns hold a run; no positions
        body=fields.STORED,  # the turn's (or memo's) text, for snippets
        start=fields.STORED,  # the turn's offsets in its document
        end=fields.STORED,
        signature=fields.STORED,
    )
