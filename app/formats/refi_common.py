"""What REFI-QDA codebooks and projects hold, as plain dataclasses, and helpers both formats share.

The readers turn any tool's XML into these objects (bytes in, domain objects out); the writers turn them into
XML valid against the REFI-QDA 1.0 schemas. No SQL here: the exchange service maps them to the project.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from lxml import etree

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_COLOR = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")

# Colours given to codes that arrive without one (NVivo, Taguette): distinct, readable on white.
PALETTE = (
    "#4477aa",
    "#ee6677",
    "#228833",
    "#ccbb44",
    "#66ccee",
    "#aa3377",
    "#bbbbbb",
    "#ee8866",
    "#44bb99",
    "#99ddff",
    "#eedd88",
    "#ffaabb",
)


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool = True
    color: str | None = None  # #rrggbb, lower case; None when the file gave none
    description: str = ""
    children: list[RefiCode] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str = ""
    code_guids: list[str] = field(default_factory=list)
    source_guids: list[str] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)


@dataclass
class RefiCodebook:
    codes: list[RefiCode]
    sets: list[RefiSet] = field(default_factory=list)
    origin: str = ""


@dataclass(frozen=True)
class CodeFields:
    """The four fields a Rapport code keeps in one REFI `<Description>`."""

    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""


# -- GUIDs, colours, names -------------------------------------------------------------------------


def clean_guid(value: str | None) -> str | None:
    """A GUID in canonical lower-case form without braces, or None when `value` is not one."""
    if not value:
        return None
    match = _GUID.match(value.strip())
    return match.group(1).lower() if match else None


def stable_guid(*parts: str) -> str:
    """A GUID derived from `parts`, the same at every export (for things Rapport keeps no GUID for)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "rapport:" + "/".join(parts)))


def clean_color(value: str | None) -> str | None:
    """`#rrggbb` in lower case (a 3-digit colour expanded), or None when `value` is not a colour."""
    if not value:
        return None
    text = value.strip()
    if not _COLOR.match(text):
        return None
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.lower()


def local_name(element: etree._Element) -> str:
    """The tag without its namespace: tools disagree on namespaces, so readers match local names."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children_named(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def child_named(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if local_name(child) == name:
            return child
    return None


def child_text(element: etree._Element, name: str) -> str:
    child = child_named(element, name)
    return (child.text or "") if child is not None else ""


def truthy(value: str | None, default: bool = True) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the control characters XML 1.0 cannot carry (they would make the file unreadable)."""
    return _NOT_XML.sub("", text)


# -- code descriptions: definition, inclusion, exclusion, example ----------------------------------

_HEADINGS = {
    "Definition:": "definition",
    "Inclusion:": "inclusion",
    "Exclusion:": "exclusion",
    "Example:": "example",
}


def _escape(text: str) -> str:
    """Lines that read exactly like a heading get a leading backslash, so they stay content on re-reading."""
    lines = []
    for line in text.strip().split("\n"):
        if line.strip() in _HEADINGS or (line.startswith("\\") and line.lstrip("\\").strip() in _HEADINGS):
            line = "\\" + line
        lines.append(line)
    return "\n".join(lines)


def compose_description(fields: CodeFields) -> str:
    """One readable description: the definition alone as plain text, or headed sections when there are more.

    Layout (each heading alone on its line, sections separated by a blank line, empty ones left out):

        Definition:
        The client voices confidence in the therapist.

        Inclusion:
        ...
    """
    parts = [
        ("Definition:", fields.definition),
        ("Inclusion:", fields.inclusion),
        ("Exclusion:", fields.exclusion),
        ("Example:", fields.example),
    ]
    if not any(text.strip() for _, text in parts[1:]):
        return _escape(fields.definition)
    return "\n\n".join(f"{heading}\n{_escape(text)}" for heading, text in parts if text.strip())


def parse_description(text: str) -> CodeFields:
    """The four fields of a description written by `compose_description`; any other text is the definition."""
    values: dict[str, list[str]] = {key: [] for key in _HEADINGS.values()}
    current = "definition"
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if stripped in _HEADINGS:
            current = _HEADINGS[stripped]
            continue
        if line.startswith("\\") and line.lstrip("\\").strip() in _HEADINGS:
            line = line[1:]
        values[current].append(line)
    return CodeFields(**{key: "\n".join(lines).strip() for key, lines in values.items()})
