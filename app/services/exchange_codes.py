"""Codes in and out of exchange formats: the Rapport code tree as REFI codes, and merging codes into a project.

Merging (a .qdc or .qdpx from any tool, or a codebook CSV) matches each incoming code first by GUID, then by
its name path (`Parent/Child`, case-insensitive), so a codebook shared between teams and edited on both sides
merges instead of duplicating. A matched code keeps its place in the tree; fields the file leaves empty never
wipe what the project has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.formats.refi_common import (
    PALETTE,
    CodeFields,
    RefiCode,
    clean_color,
    compose_description,
    parse_description,
)
from app.storage.models import Code
from app.storage.queries import exchange as queries


@dataclass
class IncomingCode:
    """One code to merge, format-neutral: REFI codes and CSV rows both become these."""

    guid: str | None
    name: str
    color: str | None = None
    fields: CodeFields = field(default_factory=CodeFields)
    codable: bool = True
    children: list[IncomingCode] = field(default_factory=list)


@dataclass
class MergeResult:
    ids_by_guid: dict[str, int] = field(default_factory=dict)  # incoming GUID -> project code id
    added: list[str] = field(default_factory=list)  # code paths
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def refi_tree(codes: list[Code]) -> list[RefiCode]:
    """The project's codes as a REFI tree (siblings in their order), descriptions carrying the four fields."""
    children: dict[int | None, list[Code]] = {}
    for code in sorted(codes, key=lambda c: (c.position, c.id)):
        children.setdefault(code.parent_id, []).append(code)

    def build(parent_id: int | None) -> list[RefiCode]:
        return [
            RefiCode(
                guid=code.guid,
                name=code.name,
                codable=bool(code.codable),
                color=clean_color(code.color),
                description=compose_description(
                    CodeFields(
                        code.definition or "", code.inclusion or "", code.exclusion or "", code.example or ""
                    )
                ),
                children=build(code.id),
            )
            for code in children.get(parent_id, [])
        ]

    return build(None)


def from_refi(codes: Iterable[RefiCode]) -> list[IncomingCode]:
    return [
        IncomingCode(
            guid=code.guid,
            name=code.name,
            color=code.color,
            fields=parse_description(code.description),
            codable=code.codable,
            children=from_refi(code.children),
        )
        for code in codes
    ]


def code_paths(codes: list[Code]) -> dict[int, str]:
    """Each code's path `A/B/C` by id."""
    by_id = {code.id: code for code in codes}
    paths: dict[int, str] = {}

    def path(code: Code) -> str:
        if code.id not in paths:
            parent = by_id.get(code.parent_id) if code.parent_id is not None else None
            paths[code.id] = f"{path(parent)}/{code.name}" if parent else code.name
        return paths[code.id]

    for code in codes:
        path(code)
    return paths


class _Merger:
    def __init__(self, session: Session) -> None:
        self.session = session
        existing = queries.codes(session)
        self.by_guid = {code.guid.lower(): code for code in existing}
        self.by_place = {(code.parent_id, code.name.strip().lower()): code for code in existing}
        self.next_position: dict[int | None, int] = {}
        self.color_index = len(existing)
        self.result = MergeResult()

    def merge(self, codes: Iterable[IncomingCode], parent: Code | None, parent_path: str) -> None:
        parent_id = parent.id if parent is not None else None
        for incoming in codes:
            name = " ".join(incoming.name.split())[:200] or "(unnamed code)"
            path = f"{parent_path}/{name}" if parent_path else name
            code = self.by_guid.get((incoming.guid or "").lower()) or self.by_place.get(
                (parent_id, name.lower())
            )
            if code is None:
                code = self._add(incoming, name, parent_id)
                self.result.added.append(path)
            else:
                # Matched by GUID under another name: the project keeps its own name, and the report says
                # both (the path is the project's, so it matches what the researcher sees).
                path = f"{parent_path}/{code.name}" if parent_path else code.name
                same = code.name.lower() == name.lower()
                shown = path if same else f"{path} (called {name!r} in the file)"
                (self.result.updated if self._update(code, incoming) else self.result.unchanged).append(shown)
            if incoming.guid:
                self.result.ids_by_guid[incoming.guid.lower()] = code.id
            self.merge(incoming.children, code, path)

    def _add(self, incoming: IncomingCode, name: str, parent_id: int | None) -> Code:
        if parent_id not in self.next_position:
            self.next_position[parent_id] = queries.max_code_position(self.session, parent_id) + 1
        position = self.next_position[parent_id]
        self.next_position[parent_id] = position + 1
        color = clean_color(incoming.color)
        if color is None:  # missing colours are filled in from a palette, distinct between neighbours
            color = PALETTE[self.color_index % len(PALETTE)]
            self.color_index += 1
        guid = incoming.guid.lower() if incoming.guid and incoming.guid.lower() not in self.by_guid else None
        code = Code(
            parent_id=parent_id,
            name=name,
            color=color,
            definition=incoming.fields.definition,
            inclusion=incoming.fields.inclusion,
            exclusion=incoming.fields.exclusion,
            example=incoming.fields.example,
            position=position,
            codable=incoming.codable,
        )
        if guid:
            code.guid = guid
        self.session.add(code)
        self.session.flush()
        self.by_guid[code.guid.lower()] = code
        self.by_place[(parent_id, name.lower())] = code
        return code

    def _update(self, code: Code, incoming: IncomingCode) -> bool:
        changed = False
        color = clean_color(incoming.color)
        if color and color != (code.color or "").lower():
            code.color = color
            changed = True
        for attribute in ("definition", "inclusion", "exclusion", "example"):
            value = getattr(incoming.fields, attribute)
            if value and value != (getattr(code, attribute) or ""):
                setattr(code, attribute, value)
                changed = True
        return changed


def merge_codes(session: Session, codes: Iterable[IncomingCode]) -> MergeResult:
    """Merge `codes` into the project inside the caller's transaction."""
    merger = _Merger(session)
    merger.merge(codes, None, "")
    session.flush()
    return merger.result
