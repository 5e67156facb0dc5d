"""The study's fixed vocabulary: perspectives, document kinds, participant roles, memo targets, attribute types.

Pure data, so every floor (the schema's CHECK constraints, services, the command line and the window's lists)
uses the same words.
"""

from __future__ import annotations

PERSPECTIVES = ("client", "therapist", "interpreter", "researcher")
DOCUMENT_KINDS = ("session", "recall", "note", "other")
ROLES = PERSPECTIVES
ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date")
ATTRIBUTE_SCOPES = ("participant", "dyad")
MEMO_TARGETS = ("project", "document", "code", "coding", "dyad")
