"""The words of a text exactly as the project file's FTS5 index sees them, for the server's search.

A file project's index splits text with FTS5's unicode61 tokenizer (app/storage/search_index.py): a fixed set of
separator characters, and a per-character fold (lower case, diacritics removed: `É` -> `e`, a lone combining
accent dropped). PostgreSQL's `simple` parser splits differently (it keeps `don't`-like tokens, e-mail addresses,
`1.5`, hyphenated words), so a server project does not let PostgreSQL split words at all: the trigger function
(app/storage/server_search_index.py) and the query translation (tsquery.py) both use the rules below, and the same
query finds the same turns in both kinds of project.

The rules are a table (app/resources/fts5_word_rules.json: separator ranges, folds and dropped characters as code
points) measured from SQLite itself by `derive_from_sqlite()`; a test checks the table still matches the SQLite
that file projects use. `python -m app.storage.fts5_words` writes it again.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from app.paths import resources_dir

LAST_PROBED = 0x30000  # above this (and outside the tag block) every assigned character is a plain letter
TAG_BLOCK = range(0xE0000, 0xE1000)


class Word(NamedTuple):
    """One indexed word: its code-point range in the text and its folded form."""

    start: int
    end: int
    folded: str


@dataclass(frozen=True)
class WordRules:
    separators: tuple[tuple[int, int], ...]  # inclusive code point ranges
    folds: dict[int, str]  # code point -> its one folded character ('' when it is dropped)


def _class_body(ranges: tuple[tuple[int, int], ...]) -> str:
    def escaped(code: int) -> str:
        return f"\\U{code:08x}"

    return "".join(
        escaped(first) if first == last else f"{escaped(first)}-{escaped(last)}" for first, last in ranges
    )


@functools.cache
def rules() -> WordRules:
    """The rules of the table in the resources (read once)."""
    table = json.loads(rules_file().read_text(encoding="utf-8"))
    return WordRules(
        separators=tuple((first, last) for first, last in table["separators"]),
        folds={code: chr(folded) for code, folded in table["folds"]}
        | {code: "" for code in table["dropped"]},
    )


def rules_file() -> Path:
    """Where the table lives (in the package's resources, also in a wheel or the frozen build)."""
    return resources_dir() / "fts5_word_rules.json"


def word_pattern() -> str:
    """A regular expression of one word (a run of non-separators), in the syntax of Python and PostgreSQL."""
    return f"[^{_class_body(rules().separators)}]+"


@functools.cache
def _fold_table() -> dict[int, str]:
    return dict(rules().folds)


@functools.cache
def _one_for_one() -> tuple[dict[int, str], re.Pattern[str]]:
    """A table turning every separator into a space and folding every character that folds to one (the text
    keeps its length, so offsets stay those of the original), and a regex of the characters it cannot fold."""
    table = {code: " " for first, last in rules().separators for code in range(first, last + 1)}
    table.update((code, folded) for code, folded in rules().folds.items() if folded)
    dropped = "".join(re.escape(chr(code)) for code, folded in rules().folds.items() if not folded)
    return table, re.compile(f"[{dropped}]")


_RUN = re.compile(r"[^ ]+")


def fold(word: str) -> str:
    """A word's indexed form: every character folded (or dropped) as FTS5 does."""
    return word.translate(_fold_table())


def spaced(text: str) -> str | None:
    """`text` with every separator a space and every character folded, offsets unchanged; None when it holds a
    character FTS5 drops (a lone combining accent), which one-for-one cannot express.

    The few distinct non-ASCII characters of a text (curly quotes, dashes, accented letters), found by deleting
    every ASCII byte of its UTF-8, are each replaced at once by their folded form; then every ASCII byte is mapped
    through a 256-byte table (multi-byte characters have no ASCII bytes, and those left fold to themselves)."""
    if text.isascii():
        return text.encode("ascii").translate(_ascii_bytes()).decode("ascii")
    table = _one_for_one()[0]
    for char in set(_utf8(text).translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
        code = ord(char)
        if code in _dropped_codes():
            return None
        replacement = table.get(code)
        if replacement is not None and replacement != char:
            text = text.replace(char, replacement)
    return _utf8(text).translate(_ascii_bytes()).decode("utf-8", "surrogatepass")


_ASCII_BYTES = bytes(range(128))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@functools.cache
def _dropped_codes() -> frozenset[int]:
    return frozenset(code for code, folded in rules().folds.items() if not folded)


@functools.cache
def _ascii_table() -> dict[int, str]:
    table = _one_for_one()[0]
    return {code: table.get(code, chr(code)) for code in range(128)}


@functools.cache
def _ascii_bytes() -> bytes:
    """`_ascii_table()` as a bytes.translate() table (every ASCII character maps to one ASCII character)."""
    ascii_map = _ascii_table()
    return bytes(ord(ascii_map[code]) if code < 128 else code for code in range(256))


def words(text: str) -> list[Word]:
    """The indexed words of `text`, in order (a word that folds to nothing is no word, as in FTS5)."""
    mapped = spaced(text)
    if mapped is not None:  # nearly always
        return [Word(match.start(), match.end(), match.group()) for match in _RUN.finditer(mapped)]
    found = []
    for match in _RUN.finditer(text.translate(_one_for_one()[0])):
        if folded := fold(match.group()):
            found.append(Word(match.start(), match.end(), folded))
    return found


def folded_words(text: str) -> list[str]:
    return [word.folded for word in words(text)]


def postgres_fold_arguments() -> tuple[str, str]:
    """(from, to) for PostgreSQL's translate(): characters past the end of `to` are dropped."""
    folds = rules().folds
    kept = [(chr(code), folded) for code, folded in sorted(folds.items()) if folded]
    dropped = [chr(code) for code, folded in sorted(folds.items()) if not folded]
    return "".join(a for a, _ in kept) + "".join(dropped), "".join(b for _, b in kept)


# -- measuring the rules from SQLite ----------------------------------------------------------------


def probed_code_points() -> list[int]:
    return [code for code in (*range(1, LAST_PROBED), *TAG_BLOCK) if not 0xD800 <= code <= 0xDFFF]


def derive_from_sqlite(codes: list[int] | None = None) -> WordRules:
    """Ask FTS5 how it splits and folds `a<c>b` for every character c (about two seconds)."""
    from app.storage import search_index

    codes = probed_code_points() if codes is None else codes
    tokenize = search_index.tokenizer().replace('"', '""')
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f'CREATE VIRTUAL TABLE probe USING fts5(body, tokenize="{tokenize}")')
        connection.execute("CREATE VIRTUAL TABLE probe_words USING fts5vocab(probe, instance)")
        connection.executemany(
            "INSERT INTO probe(rowid, body) VALUES (?, ?)", [(code, f"a{chr(code)}b") for code in codes]
        )
        seen: dict[int, list[tuple[int, str]]] = {}
        for term, row, offset in connection.execute("SELECT term, doc, offset FROM probe_words"):
            seen.setdefault(row, []).append((offset, term))
    finally:
        connection.close()
    separators: list[list[int]] = []
    folds: dict[int, str] = {}
    for code in codes:
        terms = [term for _, term in sorted(seen.get(code, []))]
        if terms == ["a", "b"]:
            if separators and separators[-1][1] == code - 1:
                separators[-1][1] = code
            else:
                separators.append([code, code])
        elif terms == ["ab"]:
            folds[code] = ""
        elif len(terms) == 1 and len(terms[0]) == 3:
            if terms[0][1] != chr(code):
                folds[code] = terms[0][1]
        else:  # pragma: no cover - would mean FTS5 changed its rules beyond one character at a time
            raise RuntimeError(f"FTS5 splits U+{code:04X} in an unexpected way: {terms}")
    return WordRules(tuple((a, b) for a, b in separators), folds)


def table_source(derived: WordRules) -> str:
    """The JSON of the rules' table (what `rules()` reads)."""
    table = {
        "source": "Generated by `python -m app.storage.fts5_words` from SQLite FTS5 (unicode61 remove_diacritics 2"
        " and the project's separators): do not edit by hand.",
        "separators": [[first, last] for first, last in derived.separators],
        "folds": [[code, ord(folded)] for code, folded in sorted(derived.folds.items()) if folded],
        "dropped": [code for code, folded in sorted(derived.folds.items()) if not folded],
    }
    return json.dumps(table, separators=(",", ":")) + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    target = rules_file()
    target.write_text(table_source(derive_from_sqlite()), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
