"""What a user action changed, so each view can decide for itself whether and what to refresh.

Anki's `OpChanges` pattern: services describe every write as a `Change`; `Project.action` merges the changes of
one user action and announces them once, after the commit, with the initiator (the view that started it, so it
can skip work it already did). Coding-level detail (`coding_ids_*`, `codes`) lets views patch rows instead of
reloading: it is trustworthy only when `coding_ids_exact` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

_EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Change:
    study: bool = False  # dyads, sessions, participants, attributes or the list of documents
    documents: frozenset[int] = _EMPTY  # documents whose text or turns changed
    codings: frozenset[int] = _EMPTY  # documents whose codings changed
    codebook: bool = False  # codes were added, renamed, recoloured, moved, merged or deleted
    memos: bool = False
    coders: bool = False
    cqr: bool = False  # core ideas, audit comments and answers, or the CQR label rules
    everything: bool = False  # e.g. after a merge, an import of a whole project or an undo of one
    coding_ids_added: frozenset[int] = _EMPTY
    coding_ids_removed: frozenset[int] = _EMPTY
    coding_ids_changed: frozenset[int] = _EMPTY  # range, code or coder changed
    codes: frozenset[int] = _EMPTY  # codes whose codings were added, removed or changed (their counts)
    coding_ids_exact: bool = False  # the coding ids and codes above list every coding `codings` refers to
    codes_edited: frozenset[int] = _EMPTY  # codes whose own fields changed (name, colour, definition, key...)
    codebook_exact: bool = False  # `codebook` means only those edits: no code added, removed or moved
    initiator: object = field(default=None, compare=False)  # who started the action (a view), or None

    def __or__(self, other: Change) -> Change:
        def exact(change: Change) -> bool:
            return change.coding_ids_exact or not change.codings

        def codebook_exact(change: Change) -> bool:
            return change.codebook_exact or not change.codebook

        return Change(
            study=self.study or other.study,
            documents=self.documents | other.documents,
            codings=self.codings | other.codings,
            codebook=self.codebook or other.codebook,
            memos=self.memos or other.memos,
            coders=self.coders or other.coders,
            cqr=self.cqr or other.cqr,
            everything=self.everything or other.everything,
            coding_ids_added=self.coding_ids_added | other.coding_ids_added,
            coding_ids_removed=self.coding_ids_removed | other.coding_ids_removed,
            coding_ids_changed=self.coding_ids_changed | other.coding_ids_changed,
            codes=self.codes | other.codes,
            coding_ids_exact=exact(self) and exact(other) and bool(self.codings | other.codings),
            codes_edited=self.codes_edited | other.codes_edited,
            codebook_exact=codebook_exact(self)
            and codebook_exact(other)
            and (self.codebook or other.codebook),
            initiator=self.initiator if self.initiator is not None else other.initiator,
        )

    def with_initiator(self, initiator: object) -> Change:
        return replace(self, initiator=initiator)

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self) if f.name != "initiator")

    @property
    def touched_codings(self) -> frozenset[int]:
        """Every coding added, removed or changed."""
        return self.coding_ids_added | self.coding_ids_removed | self.coding_ids_changed

    @property
    def only_code_edits(self) -> bool:
        """Only the fields of some codes changed (`codes_edited`), exactly: a view can re-read those codes
        instead of the whole codebook."""
        structural = self.everything or self.study or self.documents or self.codings or self.coders
        return self.codebook and self.codebook_exact and not structural

    @property
    def only_codings(self) -> bool:
        """Only codings changed, and exactly which: a view can patch its rows instead of reloading."""
        structural = self.everything or self.study or self.documents or self.codebook or self.coders
        return bool(self.codings) and self.coding_ids_exact and not structural


def codings_change(
    documents,
    codes,
    *,
    added=(),
    removed=(),
    changed=(),
    memos: bool = False,
) -> Change:
    """The change of a coding write that knows exactly which codings it touched."""
    return Change(
        codings=frozenset(documents),
        codes=frozenset(codes),
        coding_ids_added=frozenset(added),
        coding_ids_removed=frozenset(removed),
        coding_ids_changed=frozenset(changed),
        memos=memos,
        coding_ids_exact=True,
    )


def code_edits_change(code_ids) -> Change:
    """The change of a codebook write that only edited these codes' own fields."""
    return Change(codebook=True, codes_edited=frozenset(code_ids), codebook_exact=True)


EVERYTHING = Change(everything=True)
