"""What a service call changed, so views can decide for themselves whether to refresh (Anki's pattern)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    study: bool = False  # dyads, sessions, participants, attributes or the list of documents
    documents: frozenset[int] = field(default_factory=frozenset)  # documents whose text or turns changed
    codings: frozenset[int] = field(default_factory=frozenset)  # documents whose codings changed
    codebook: bool = False  # codes were added, renamed, recoloured, moved, merged or deleted
    memos: bool = False
    coders: bool = False
    everything: bool = False  # e.g. after a merge, an import of a whole project or an undo of one

    def __or__(self, other: Change) -> Change:
        return Change(
            study=self.study or other.study,
            documents=self.documents | other.documents,
            codings=self.codings | other.codings,
            codebook=self.codebook or other.codebook,
            memos=self.memos or other.memos,
            coders=self.coders or other.coders,
            everything=self.everything or other.everything,
        )


EVERYTHING = Change(everything=True)
