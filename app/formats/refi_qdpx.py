"""Read REFI-QDA projects (.qdpx) written by any tool: NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette, Rapport.

What real files do, and what this reader therefore accepts (see shared/refi-qda/README.txt):
the XML may be `project.qde` or `<name>.qde`; the text folder `Sources/` or `sources/`; `plainTextPath` with
or without `internal://`; text inline in `<PlainTextContent>`; a 1-byte .txt beside a .docx holding the real
text (NVivo for Mac); UTF-8 with a BOM and CRLF line ends; positions in UTF-16 units (NVivo). Everything is
read from memory through `SafeZip` and `parse_xml`: nothing is extracted, no entity is expanded, and a path
pointing outside the archive is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from lxml import etree

from app.domain.errors import ImportFailed, UnsafeFile
from app.domain.transcript import normalize_newlines
from app.formats.refi_common import (
    child_named,
    child_text,
    children_named,
    clean_guid,
    local_name,
    stable_guid,
)
from app.formats.refi_memos import note_range, place_memo_forms
from app.formats.refi_positions import CODE_POINTS, PositionMap, convention_for_origin, guess_convention
from app.formats.refi_project import (
    VARIABLE_TYPES,
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiValue,
    RefiVariable,
    parse_datetime,
)
from app.formats.refi_qdc import parse_codes, parse_sets
from app.formats.safe_xml import parse_xml
from app.formats.safe_zip import SafeZip, ZipLimits, resolve_inside
from app.formats.text_decoding import decode_bytes, refuse_binary_text

EXTENSION_ENTRY = "rapport/extension.json"
_TEXT_SOURCE_KINDS = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


def _refs(element: etree._Element, tag: str) -> list[str]:
    return [g for ref in children_named(element, tag) if (g := clean_guid(ref.get("targetGUID")))]


class _Reader:
    def __init__(self, archive: SafeZip, name: str) -> None:
        self.archive = archive
        self.name = name

    def find_qde(self) -> str:
        names = self.archive.names()
        top = [n for n in names if "/" not in n and n.lower().endswith(".qde")]
        for candidate in top:
            if candidate.lower() == "project.qde":
                return candidate
        if top:
            return sorted(top)[0]
        raise ImportFailed(f"{self.name} holds no project.qde: it is not a REFI-QDA project.")

    def entry_for(self, path: str) -> str | None:
        inner = resolve_inside(path, self.name)
        for candidate in (f"sources/{inner}", inner):
            found = self.archive.find(candidate)
            if found is not None:
                return found
        return None

    def text_of(self, element: etree._Element, label: str) -> tuple[str, str]:
        """The original (not yet normalised) text of a TextSource or Note, and where it came from."""
        inline = child_named(element, "PlainTextContent")
        if inline is not None and inline.text:
            return inline.text, "inline"
        path = element.get("plainTextPath")
        original = ""
        origin = "txt"
        if path:
            entry = self.entry_for(path)
            if entry is None:
                raise ImportFailed(f"{self.name}: the text of {label} ({path}) is missing from the archive.")
            original = decode_bytes(self.archive.read(entry), f"{self.name}: {entry}").text
        rich = element.get("richTextPath")
        if not original.strip() and rich and rich.lower().endswith(".docx"):
            entry = self.entry_for(rich)
            if entry is not None:
                original = self.docx_text(self.archive.read(entry), entry)
                origin = "docx"
        return original, origin

    def docx_text(self, data: bytes, entry: str) -> str:
        """The text of the rich-text copy (NVivo for Mac writes it there and leaves the .txt empty)."""
        from app.formats.docx_file import read_docx

        try:
            return read_docx(
                data, f"{self.name}: {entry}", max_bytes=self.archive.limits.max_entry_bytes
            ).text
        except UnsafeFile:
            raise
        except ImportFailed as exc:
            if "is empty" in exc.message:
                return ""  # an empty source in the original project stays an empty document
            raise


def _values(element: etree._Element, types: dict[str, str]) -> list[RefiValue]:
    values = []
    for item in children_named(element, "VariableValue"):
        ref = child_named(item, "VariableRef")
        guid = clean_guid(ref.get("targetGUID")) if ref is not None else None
        if guid is None:
            continue
        for child in item:
            kind = local_name(child).removesuffix("Value")
            if kind in VARIABLE_TYPES and child.text is not None and child.text.strip():
                values.append(RefiValue(guid, child.text.strip(), kind or types.get(guid, "Text")))
                break
    return values


def _selections(source: etree._Element, project: RefiProject) -> list[tuple[RefiSelection, int, int]]:
    found = []
    for element in children_named(source, "PlainTextSelection"):
        try:
            start = int(element.get("startPosition", ""))
            end = int(element.get("endPosition", ""))
        except ValueError:
            project.skip("selections with unreadable positions")
            continue
        guid = clean_guid(element.get("guid")) or stable_guid("selection", str(start), str(end))
        codings = []
        for coding in children_named(element, "Coding"):
            ref = child_named(coding, "CodeRef")
            code_guid = clean_guid(ref.get("targetGUID")) if ref is not None else None
            if code_guid is None:
                project.skip("codings without a code")
                continue
            codings.append(
                RefiCoding(
                    guid=clean_guid(coding.get("guid")) or stable_guid("coding", guid, code_guid),
                    code_guid=code_guid,
                    user_guid=clean_guid(coding.get("creatingUser")),
                    created=parse_datetime(coding.get("creationDateTime")),
                    note_guids=_refs(coding, "NoteRef"),
                )
            )
        selection = RefiSelection(
            guid=guid,
            start=start,
            end=end,
            name=element.get("name") or "",
            user_guid=clean_guid(element.get("creatingUser")),
            created=parse_datetime(element.get("creationDateTime")),
            codings=codings,
            note_guids=_refs(element, "NoteRef"),
            description=child_text(element, "Description"),
        )
        found.append((selection, start, end))
    return found


def read_project(
    data: bytes,
    name: str,
    *,
    limits: ZipLimits | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> RefiProject:
    """A project from the bytes of a .qdpx file, positions already converted to Rapport's."""
    archive = SafeZip(data, name, limits)
    try:
        return _read(archive, name, progress)
    finally:
        archive.close()


def _read(archive: SafeZip, name: str, progress: Callable[[int, int, str], None] | None) -> RefiProject:
    reader = _Reader(archive, name)
    qde = reader.find_qde()
    root = parse_xml(archive.read(qde), f"{name}: {qde}")
    if local_name(root) != "Project":
        raise ImportFailed(f"{name}: {qde} is not a REFI-QDA project (root <{local_name(root)}>).")
    project = RefiProject(name=root.get("name") or "", origin=root.get("origin") or "")
    project.description = child_text(root, "Description")
    project.note_guids = _refs(root, "NoteRef")
    project.extension = _extension(archive, name)

    users = child_named(root, "Users")
    for user in children_named(users, "User") if users is not None else []:
        guid = clean_guid(user.get("guid"))
        if guid:
            project.users.append(
                RefiUser(guid, (user.get("name") or "").strip() or f"User {len(project.users) + 1}")
            )

    codebook = child_named(root, "CodeBook")
    codes = child_named(codebook, "Codes") if codebook is not None else None
    if codes is not None:
        project.codes = parse_codes(codes, name, set())

    variables = child_named(root, "Variables")
    for element in children_named(variables, "Variable") if variables is not None else []:
        guid = clean_guid(element.get("guid"))
        kind = element.get("typeOfVariable") or "Text"
        if guid:
            project.variables.append(
                RefiVariable(
                    guid,
                    (element.get("name") or "").strip() or "variable",
                    kind if kind in VARIABLE_TYPES else "Text",
                    child_text(element, "Description"),
                )
            )
    types = {v.guid: v.type for v in project.variables}

    cases = child_named(root, "Cases")
    for element in children_named(cases, "Case") if cases is not None else []:
        guid = clean_guid(element.get("guid"))
        if guid:
            project.cases.append(
                RefiCase(
                    guid=guid,
                    name=(element.get("name") or "").strip() or f"Case {len(project.cases) + 1}",
                    description=child_text(element, "Description"),
                    values=_values(element, types),
                    source_guids=_refs(element, "SourceRef"),
                )
            )

    sources = child_named(root, "Sources")
    elements = list(sources) if sources is not None else []
    text_sources = [e for e in elements if local_name(e) == "TextSource"]
    for element in elements:
        if local_name(element) in _TEXT_SOURCE_KINDS:
            project.skip(f"{local_name(element)}s (only text sources are imported)")
    units: list[str] = []
    source_guids: set[str] = set()
    selection_guids: set[str] = set()
    for index, element in enumerate(text_sources):
        if progress:
            progress(index, len(text_sources), f"Reading {element.get('name') or 'source'}")
        guid = clean_guid(element.get("guid"))
        if guid is not None and guid in source_guids:
            raise ImportFailed(
                f"{name}: two text sources share the GUID {guid}; the file is inconsistent and was not imported."
            )
        source_guids.add(guid or "")
        project.sources.append(_source(reader, element, project, types, units, selection_guids))
    project.position_unit = ",".join(sorted(set(units)))

    notes = child_named(root, "Notes")
    for element in children_named(notes, "Note") if notes is not None else []:
        guid = clean_guid(element.get("guid"))
        if guid is None:
            project.skip("notes without a GUID")
            continue
        original, _ = reader.text_of(element, f"note {element.get('name') or guid}")
        project.notes.append(
            RefiNote(
                guid=guid,
                name=element.get("name") or "",
                text=normalize_newlines(original),
                user_guid=clean_guid(element.get("creatingUser")),
                created=parse_datetime(element.get("creationDateTime")),
                modified=parse_datetime(element.get("modifiedDateTime")),
                raw_range=note_range(element),
            )
        )
    project.sets = parse_sets(child_named(root, "Sets"), "targetGUID")
    _count_unread(root, project)
    place_memo_forms(project)
    return project


def _count_unread(root: etree._Element, project: RefiProject) -> None:
    """What REFI can hold and Rapport does not import, so the summary can say so."""
    for name, label in (("Links", "links between items"), ("Graphs", "graphs")):
        holder = child_named(root, name)
        if holder is not None and len(holder):
            project.skip(label, len(holder))
    sources = child_named(root, "Sources")
    whole = sum(len(children_named(s, "Coding")) for s in (sources if sources is not None else []))
    if whole:
        project.skip("codings of whole sources (only codings of text ranges are imported)", whole)


def _source(
    reader: _Reader,
    element: etree._Element,
    project: RefiProject,
    types: dict[str, str],
    units: list[str],
    selection_guids: set[str],
) -> RefiSource:
    label = element.get("name") or element.get("guid") or "a source"
    guid = clean_guid(element.get("guid"))
    if guid is None:
        raise ImportFailed(f"{reader.name}: the text source {label!r} has no valid GUID.")
    original, text_from = reader.text_of(element, f"source {label!r}")
    refuse_binary_text(original, f"{reader.name}: the text of source {label!r}")
    raw = _selections(element, project)
    if text_from == "docx" or text_from == "inline":
        unit = CODE_POINTS
    else:
        unit = convention_for_origin(project.origin) or guess_convention(
            original, [(s, e) for _, s, e in raw]
        )
    units.append(unit)
    mapping = PositionMap(original, unit)
    text = normalize_newlines(original)
    selections = []
    for selection, start, end in raw:
        # Positions no tool would write are skipped and counted, never clamped or swapped into a guess.
        if start < 0 or end < 0 or start > end or end > mapping.total_units:
            project.skip(f"selections with impossible positions (negative, reversed or beyond the text) in {label}")
            continue
        if selection.guid in selection_guids:
            project.skip(f"selections whose GUID was already used (the first one was kept) in {label}")
            continue
        selection_guids.add(selection.guid)
        selection.start, selection.end = mapping.span(start, end)
        if selection.start >= selection.end:
            project.skip("empty selections")
            continue
        selections.append(selection)
    return RefiSource(
        guid=guid,
        name=(element.get("name") or "").strip() or guid,
        text=text,
        description=child_text(element, "Description"),
        selections=selections,
        values=_values(element, types),
        note_guids=_refs(element, "NoteRef"),
        user_guid=clean_guid(element.get("creatingUser")),
        created=parse_datetime(element.get("creationDateTime")),
        modified=parse_datetime(element.get("modifiedDateTime")),
        text_from=text_from,
        position_map=mapping,
    )


def _extension(archive: SafeZip, name: str) -> dict:
    """Rapport's own facts about an archive it wrote (turns, dyads, roles); {} for other tools' files."""
    entry = archive.find(EXTENSION_ENTRY)
    if entry is None:
        return {}
    try:
        data = json.loads(archive.read(entry).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ImportFailed(f"{name}: {EXTENSION_ENTRY} is damaged ({type(exc).__name__}).") from exc
    if not isinstance(data, dict):
        raise UnsafeFile(f"{name}: {EXTENSION_ENTRY} is not what Rapport writes; refused.")
    return data
