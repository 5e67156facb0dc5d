"""Parse XML from files we did not write, refusing anything that could harm the machine.

A REFI-QDA file comes from another tool, a colleague's e-mail or the internet: it is hostile until proven
otherwise. Entity declarations allow "billion laughs" memory bombs and external entities read local files or
fetch URLs, so a document with any DOCTYPE is refused outright (REFI-QDA never needs one), and the parser is
configured to resolve no entities, load no DTD, touch no network and refuse huge trees even if a DOCTYPE
slipped past the byte scan (for instance in an encoding the scan does not know).
"""

from __future__ import annotations

import re

from lxml import etree

from app.domain.errors import ImportFailed, UnsafeFile, first_line

# `<!DOCTYPE` / `<!ENTITY` in the encodings XML files realistically use (UTF-8 and ASCII supersets, UTF-16).
_DECLARATION_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )


def refuse_declarations(data: bytes, name: str) -> None:
    """Refuse bytes that declare a DTD or entities, before any parser sees them."""
    if _DECLARATION.search(data) or any(marker in data for marker in _DECLARATION_MARKERS):
        raise UnsafeFile(
            f"{name} declares a DTD or entities (<!DOCTYPE/<!ENTITY>); Rapport refuses such XML "
            "because it can exhaust memory or read other files."
        )


def parse_xml(data: bytes, name: str) -> etree._Element:
    """The root element of `data`, parsed safely. `name` names the file in error messages."""
    refuse_declarations(data, name)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ImportFailed(f"{name} is not well-formed XML ({first_line(str(exc))}).") from exc
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot honour
        raise ImportFailed(f"{name} could not be read as XML ({first_line(str(exc))}).") from exc
    if root is None:
        raise ImportFailed(f"{name} holds no XML element.")
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise UnsafeFile(f"{name} declares a DTD ({doctype[:60]}); Rapport refuses such XML.")
    for _ in root.iter(etree.Entity):
        raise UnsafeFile(f"{name} contains an entity reference; Rapport refuses such XML.")
    return root
