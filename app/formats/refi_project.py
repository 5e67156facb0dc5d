"""The parts of a REFI-QDA project (.qdpx) as plain dataclasses, shared by its reader and writer.

Positions in `RefiSelection` are always Rapport positions here: code points into the source's normalised
text (LF, no BOM). The reader converts from the exporting tool's convention; the writer writes them as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.formats.refi_common import RefiCode, RefiSet
from app.formats.refi_positions import PositionMap

VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")


@dataclass
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiVariable:
    guid: str
    name: str
    type: str = "Text"  # one of VARIABLE_TYPES
    description: str = ""


@dataclass
class RefiValue:
    variable_guid: str
    value: str  # as written in the file (xsd lexical form)
    type: str = "Text"


@dataclass
class RefiCase:
    guid: str
    name: str
    description: str = ""
    values: list[RefiValue] = field(default_factory=list)
    source_guids: list[str] = field(default_factory=list)


@dataclass
class RefiCoding:
    guid: str
    code_guid: str
    user_guid: str | None = None
    created: datetime | None = None
    note_guids: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    name: str = ""
    user_guid: str | None = None
    created: datetime | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)
    description: str = ""  # QualCoder and MAXQDA keep a coding's memo here


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str  # normalised: LF, no BOM
    description: str = ""
    selections: list[RefiSelection] = field(default_factory=list)
    values: list[RefiValue] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)
    user_guid: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    text_from: str = "txt"  # txt, inline or docx (NVivo for Mac keeps the text only in the .docx)
    position_map: PositionMap | None = field(default=None, repr=False, compare=False)  # file -> Rapport


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user_guid: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    in_file: bool = False  # written as a text file named by plainTextPath (QualCoder reads notes only so)
    raw_range: tuple[int, int] | None = None  # an inner PlainTextSelection, as the file counts
    range: tuple[int, int] | None = None  # that range in Rapport positions of the source referencing the note


@dataclass
class RefiProject:
    name: str
    origin: str = ""
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    description: str = ""
    note_guids: list[str] = field(default_factory=list)  # notes about the whole project
    extension: dict = field(default_factory=dict)  # Rapport's own facts (rapport/extension.json), if any
    position_unit: str = ""  # how the exporting tool counted positions (utf16 or codepoints)
    skipped: dict[str, int] = field(default_factory=dict)  # what could not be taken over, by kind

    def skip(self, what: str, count: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + count


def parse_datetime(value: str | None) -> datetime | None:
    """An xsd:dateTime as a naive UTC datetime (how Rapport stores times), or None when unreadable."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def format_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"
