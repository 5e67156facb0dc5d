"""Where tools keep memos in a .qdpx besides `<Note>`s referenced by `<NoteRef>`, read into plain notes.

- QualCoder and MAXQDA keep a coding's memo in its selection's `<Description>`; MAXQDA also writes a
  selection without any `<Coding>` whose `<Description>` is a memo on that range.
- QualCoder keeps a note on a range of a source ("annotation") as a `<Note>` holding an inner
  `<PlainTextSelection>`, referenced by a `<NoteRef>` of that source; the positions count in the source.
- A source's or the project's own `<Description>` is its memo (QualCoder, MAXQDA).

Rapport writes the `<Description>` forms too, as copies of its notes, so other tools find them; a description
that equals the texts of the notes the same element references is such a copy and is not read twice.
Everything here is a pass over a `RefiProject` after reading: each form becomes a `RefiNote` referenced from
its place, so the importer meets one kind of memo. Positions are converted like the source's selections.
"""

from __future__ import annotations

from lxml import etree

from app.domain.transcript import normalize_newlines
from app.formats.refi_common import children_named, stable_guid, xml_safe
from app.formats.refi_project import RefiNote, RefiProject, RefiSource

# Description texts joined like this when Rapport writes several memos of one element into one Description.
MEMO_SEPARATOR = "\n\n"


def note_range(element: etree._Element) -> tuple[int, int] | None:
    """The raw positions of a Note's inner `<PlainTextSelection>` (QualCoder's note on a range), if any."""
    for selection in children_named(element, "PlainTextSelection"):
        try:
            return int(selection.get("startPosition", "")), int(selection.get("endPosition", ""))
        except ValueError:
            return None
    return None


def joined_texts(texts: list[str]) -> str:
    """Several memos' texts as one `<Description>` (how Rapport writes them for other tools)."""
    return MEMO_SEPARATOR.join(text.strip() for text in texts if text.strip())


def _same(description: str, notes: list[RefiNote]) -> bool:
    texts = [xml_safe(normalize_newlines(n.text)) for n in notes]
    return xml_safe(normalize_newlines(description)).strip() == joined_texts(texts)


def place_memo_forms(project: RefiProject) -> None:
    """Turn every memo form above into notes referenced from their owner, counting what could not be placed."""
    notes = {note.guid: note for note in project.notes}
    for source in project.sources:
        _note_ranges(project, source, notes)
        _selection_descriptions(project, source, notes)
        if source.description.strip():
            owned = [notes[g] for g in source.note_guids if g in notes and notes[g].range is None]
            if not _same(source.description, owned):
                source.note_guids.append(
                    _add(project, notes, stable_guid("source-memo", source.guid), source.description)
                )
    if project.description.strip():
        owned = [notes[g] for g in project.note_guids if g in notes]
        if not _same(project.description, owned):
            guid = _add(project, notes, stable_guid("project-memo", project.name), project.description)
            notes[guid].name = "Project description"
            project.note_guids.append(guid)


def _add(project: RefiProject, notes: dict[str, RefiNote], guid: str, text: str, **facts: object) -> str:
    note = RefiNote(guid=guid, name="", text=normalize_newlines(text).strip(), **facts)  # type: ignore[arg-type]
    project.notes.append(note)
    notes[guid] = note
    return guid


def _note_ranges(project: RefiProject, source: RefiSource, notes: dict[str, RefiNote]) -> None:
    """A note referenced by this source with an inner selection becomes a note on that range of its text."""
    mapping = source.position_map
    for guid in source.note_guids:
        note = notes.get(guid)
        if note is None or note.raw_range is None or note.range is not None:
            continue
        start, end = sorted(note.raw_range)
        if mapping is None or start < 0 or end > mapping.total_units:
            project.skip("note ranges outside their text (the note is kept on the whole document)")
            continue
        start, end = mapping.span(start, end)
        if start >= end:
            project.skip("empty note ranges (the note is kept on the whole document)")
            continue
        note.range = (start, end)


def _selection_descriptions(project: RefiProject, source: RefiSource, notes: dict[str, RefiNote]) -> None:
    for selection in source.selections:
        description = selection.description
        if not description.strip():
            continue
        if not selection.codings:
            owned = [notes[g] for g in selection.note_guids if g in notes]
            if not _same(description, owned):
                guid = stable_guid("selection-memo", selection.guid)
                _add(
                    project,
                    notes,
                    guid,
                    description,
                    user_guid=selection.user_guid,
                    created=selection.created,
                )
                selection.note_guids.append(guid)
            continue
        for coding in selection.codings:
            owned = [notes[g] for g in coding.note_guids if g in notes]
            if not _same(description, owned):
                guid = stable_guid("coding-memo", coding.guid)
                author = coding.user_guid or selection.user_guid
                created = coding.created or selection.created
                _add(project, notes, guid, description, user_guid=author, created=created)
                coding.note_guids.append(guid)


def write_memo_descriptions(project: RefiProject) -> None:
    """The second form of memos for tools that read only descriptions (QualCoder, MAXQDA): a selection's
    `<Description>` holds its codings' memos, a source's `<Description>` its memos on the whole document."""
    notes = {note.guid: note for note in project.notes}
    for source in project.sources:
        for selection in source.selections:
            texts = [notes[g].text for c in selection.codings for g in c.note_guids if g in notes]
            selection.description = joined_texts(texts)
        whole = [notes[g].text for g in source.note_guids if g in notes and notes[g].range is None]
        source.description = joined_texts(whole)
