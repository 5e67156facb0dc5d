"""Write REFI-QDA projects (.qdpx): `project.qde` valid against Project.xsd, texts in `sources/`.

Each source's text is written as `sources/<guid>.txt`, UTF-8 without BOM, LF line ends, exactly the stored
text, so positions (code points) mean the same in the file as in Rapport. Facts the schema has no place for
(speaker turns, dyad/session structure, participant roles, memo targets) go into `rapport/extension.json`,
an extra archive entry other tools ignore: the XML stays valid and nothing foreign is put inside it.
"""

from __future__ import annotations

import io
import json
import zipfile

from lxml import etree

from app.formats.refi_common import PROJECT_NS, stable_guid, xml_safe
from app.formats.refi_project import RefiNote, RefiProject, RefiSource, RefiValue, format_datetime
from app.formats.refi_qdc import code_element
from app.formats.refi_qdpx import EXTENSION_ENTRY

_NS = PROJECT_NS


def _el(parent: etree._Element, tag: str, **attributes: str | None) -> etree._Element:
    clean = {k: v for k, v in attributes.items() if v is not None}
    return etree.SubElement(parent, f"{{{_NS}}}{tag}", clean)


def _text_el(parent: etree._Element, tag: str, text: str) -> None:
    if text:
        _el(parent, tag).text = xml_safe(text)


def _refs(parent: etree._Element, tag: str, guids: list[str]) -> None:
    for guid in guids:
        _el(parent, tag, targetGUID=guid)


def _values(parent: etree._Element, values: list[RefiValue]) -> None:
    for value in values:
        item = _el(parent, "VariableValue")
        _el(item, "VariableRef", targetGUID=value.variable_guid)
        _el(item, f"{value.type}Value").text = xml_safe(value.value)


def source_path(guid: str) -> str:
    return f"sources/{guid}.txt"


def _source(parent: etree._Element, source: RefiSource) -> None:
    element = _el(
        parent,
        "TextSource",
        guid=source.guid,
        name=xml_safe(source.name),
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=source.user_guid,
        creationDateTime=format_datetime(source.created),
        modifyingUser=source.user_guid if source.modified else None,
        modifiedDateTime=format_datetime(source.modified),
    )
    _text_el(element, "Description", source.description)
    for selection in source.selections:
        item = _el(
            element,
            "PlainTextSelection",
            guid=selection.guid,
            name=xml_safe(selection.name) if selection.name else None,
            startPosition=str(selection.start),
            endPosition=str(selection.end),
            creatingUser=selection.user_guid,
            creationDateTime=format_datetime(selection.created),
        )
        _text_el(item, "Description", selection.description)
        for coding in selection.codings:
            coding_element = _el(
                item,
                "Coding",
                guid=coding.guid,
                creatingUser=coding.user_guid,
                creationDateTime=format_datetime(coding.created),
            )
            _el(coding_element, "CodeRef", targetGUID=coding.code_guid)
            _refs(coding_element, "NoteRef", coding.note_guids)
        _refs(item, "NoteRef", selection.note_guids)
    _refs(element, "NoteRef", source.note_guids)
    _values(element, source.values)


def note_path(guid: str) -> str:
    return f"sources/{guid}.txt"


def _note_text(element: etree._Element, note: RefiNote) -> None:
    """A note on a range: its text inline and the range as an inner selection (how QualCoder reads a note on
    a range of the source referencing it); any other note in file form, or inline."""
    if note.range is not None:
        _el(element, "PlainTextContent").text = xml_safe(note.text)
        start, end = note.range
        _el(element, "PlainTextSelection", guid=stable_guid("note-range", note.guid),
            startPosition=str(start), endPosition=str(end))  # fmt: skip
    elif note.in_file:
        element.set("plainTextPath", f"internal://{note.guid}.txt")
    else:
        _el(element, "PlainTextContent").text = xml_safe(note.text)


def project_xml(project: RefiProject) -> bytes:
    """The `project.qde` document of `project`."""
    root = etree.Element(
        f"{{{_NS}}}Project",
        nsmap={None: _NS},
        name=xml_safe(project.name) or "Rapport project",
        origin=project.origin,
    )
    if project.users:
        users = _el(root, "Users")
        for user in project.users:
            _el(users, "User", guid=user.guid, name=xml_safe(user.name))
    if project.codes:
        codes = _el(_el(root, "CodeBook"), "Codes")
        for code in project.codes:
            code_element(codes, code, _NS, with_notes=True)
    if project.variables:
        variables = _el(root, "Variables")
        for variable in project.variables:
            element = _el(
                variables,
                "Variable",
                guid=variable.guid,
                name=xml_safe(variable.name),
                typeOfVariable=variable.type,
            )
            _text_el(element, "Description", variable.description)
    if project.cases:
        cases = _el(root, "Cases")
        for case in project.cases:
            element = _el(cases, "Case", guid=case.guid, name=xml_safe(case.name))
            _text_el(element, "Description", case.description)
            _values(element, case.values)
            _refs(element, "SourceRef", case.source_guids)
    if project.sources:
        sources = _el(root, "Sources")
        for source in project.sources:
            _source(sources, source)
    if project.notes:
        notes = _el(root, "Notes")
        for note in project.notes:
            element = _el(
                notes,
                "Note",
                guid=note.guid,
                name=xml_safe(note.name) if note.name else None,
                creatingUser=note.user_guid,
                creationDateTime=format_datetime(note.created),
                modifyingUser=note.user_guid if note.modified else None,
                modifiedDateTime=format_datetime(note.modified),
            )
            _note_text(element, note)
    if project.sets:
        sets = _el(root, "Sets")
        for code_set in project.sets:
            element = _el(sets, "Set", guid=code_set.guid, name=xml_safe(code_set.name))
            _text_el(element, "Description", code_set.description)
            _refs(element, "MemberCode", code_set.code_guids)
            _refs(element, "MemberSource", code_set.source_guids)
            _refs(element, "MemberNote", code_set.note_guids)
    _text_el(root, "Description", project.description)
    _refs(root, "NoteRef", project.note_guids)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_project(project: RefiProject) -> bytes:
    """The bytes of a .qdpx archive holding `project` (and Rapport's extension when it has one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(project))
        for source in project.sources:
            archive.writestr(source_path(source.guid), source.text.encode("utf-8"))
        for note in project.notes:
            if note.in_file and note.range is None:
                archive.writestr(note_path(note.guid), note.text.encode("utf-8"))
        if project.extension:
            archive.writestr(EXTENSION_ENTRY, json.dumps(project.extension, ensure_ascii=False, indent=1))
    return buffer.getvalue()
