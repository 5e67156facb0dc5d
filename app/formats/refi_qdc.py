"""REFI-QDA codebooks (.qdc): read from any tool, write valid against Codebook.xsd.

Readers match elements by local name (tools disagree on namespaces), accept what real tools write even when
the schema does not (Taguette's empty `<Sets/>`), and fill what is missing: a code without a usable GUID gets
one derived from its path, so importing the same file twice still merges.
"""

from __future__ import annotations

from lxml import etree

from app.domain.errors import ImportFailed
from app.formats.refi_common import (
    CODEBOOK_NS,
    RefiCode,
    RefiCodebook,
    RefiSet,
    child_text,
    children_named,
    clean_color,
    clean_guid,
    local_name,
    stable_guid,
    truthy,
    xml_safe,
)
from app.formats.safe_xml import parse_xml


def parse_codes(parent: etree._Element, name: str, seen: set[str], path: str = "") -> list[RefiCode]:
    """The `<Code>` children of `parent`, recursively, with GUIDs checked for duplicates across the file."""
    codes: list[RefiCode] = []
    for element in children_named(parent, "Code"):
        code_name = (element.get("name") or "").strip() or "(unnamed code)"
        code_path = f"{path}/{code_name}"
        guid = clean_guid(element.get("guid")) or stable_guid("code", name, code_path)
        if guid in seen:
            raise ImportFailed(f"{name} uses the code GUID {guid} twice; the file is inconsistent.")
        seen.add(guid)
        codes.append(
            RefiCode(
                guid=guid,
                name=code_name,
                codable=truthy(element.get("isCodable"), default=True),
                color=clean_color(element.get("color")),
                description=child_text(element, "Description"),
                children=parse_codes(element, name, seen, code_path),
                note_guids=[
                    g
                    for ref in children_named(element, "NoteRef")
                    if (g := clean_guid(ref.get("targetGUID")))
                ],
            )
        )
    return codes


def parse_sets(parent: etree._Element | None, member_attribute: str) -> list[RefiSet]:
    """Sets of codes (and, in projects, of sources and notes). An empty `<Sets/>` gives no sets."""
    if parent is None:
        return []
    sets = []
    for element in children_named(parent, "Set"):
        guid = clean_guid(element.get("guid")) or stable_guid("set", element.get("name") or "")

        def members(tag: str, attribute: str, element: etree._Element = element) -> list[str]:
            return [g for ref in children_named(element, tag) if (g := clean_guid(ref.get(attribute)))]

        sets.append(
            RefiSet(
                guid=guid,
                name=(element.get("name") or "").strip() or "(unnamed set)",
                description=child_text(element, "Description"),
                code_guids=members("MemberCode", member_attribute),
                source_guids=members("MemberSource", "targetGUID"),
                note_guids=members("MemberNote", "targetGUID"),
            )
        )
    return sets


def read_codebook(data: bytes, name: str) -> RefiCodebook:
    """A codebook from the bytes of a .qdc file."""
    root = parse_xml(data, name)
    if local_name(root) != "CodeBook":
        raise ImportFailed(f"{name} is not a REFI-QDA codebook (its root element is <{local_name(root)}>).")
    codes_element = next(iter(children_named(root, "Codes")), None)
    codes = parse_codes(codes_element, name, set()) if codes_element is not None else []
    sets_element = next(iter(children_named(root, "Sets")), None)
    return RefiCodebook(codes=codes, sets=parse_sets(sets_element, "guid"), origin=root.get("origin") or "")


def code_element(parent: etree._Element, code: RefiCode, ns: str, *, with_notes: bool = False) -> None:
    """Append `code` (and its children) under `parent`, in schema order: Description, NoteRef, Code."""
    attributes = {
        "guid": code.guid,
        "name": xml_safe(code.name),
        "isCodable": "true" if code.codable else "false",
    }
    color = clean_color(code.color)
    if color:
        attributes["color"] = color.upper()
    element = etree.SubElement(parent, f"{{{ns}}}Code", attributes)
    if code.description.strip():
        etree.SubElement(element, f"{{{ns}}}Description").text = xml_safe(code.description)
    if with_notes:
        for guid in code.note_guids:
            etree.SubElement(element, f"{{{ns}}}NoteRef", targetGUID=guid)
    for child in code.children:
        code_element(element, child, ns, with_notes=with_notes)


def write_codebook(codebook: RefiCodebook) -> bytes:
    """The .qdc bytes of `codebook` (UTF-8), valid against Codebook.xsd."""
    ns = CODEBOOK_NS
    root = etree.Element(f"{{{ns}}}CodeBook", nsmap={None: ns}, origin=codebook.origin or "Rapport")
    codes = etree.SubElement(root, f"{{{ns}}}Codes")
    for code in codebook.codes:
        code_element(codes, code, ns)
    if not codebook.codes:
        # The schema needs at least one code; an empty codebook exports one non-codable placeholder.
        code_element(codes, RefiCode(stable_guid("empty-codebook"), "(empty codebook)", codable=False), ns)
    sets = [s for s in codebook.sets]
    if sets:
        sets_element = etree.SubElement(root, f"{{{ns}}}Sets")
        for code_set in sets:
            element = etree.SubElement(
                sets_element, f"{{{ns}}}Set", guid=code_set.guid, name=xml_safe(code_set.name)
            )
            if code_set.description.strip():
                etree.SubElement(element, f"{{{ns}}}Description").text = xml_safe(code_set.description)
            for guid in code_set.code_guids:
                etree.SubElement(element, f"{{{ns}}}MemberCode", guid=guid)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
