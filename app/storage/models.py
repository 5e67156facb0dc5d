"""Typed SQLAlchemy models: the nouns a researcher uses (see ARCHITECTURE.md, "Data model").

Text positions (`start`, `end`) are Unicode code points, 0-based, end exclusive, into `Document.text`.
Changing these models needs a new Alembic revision in app/migrations/versions; a test compares the two.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The schema's CHECK constraints use the study's vocabulary; other floors import it from here or the domain.
from app.domain.vocabulary import (
    ATTRIBUTE_SCOPES,
    ATTRIBUTE_TYPES,
    DOCUMENT_KINDS,
    MEMO_TARGETS,
    PERSPECTIVES,
    ROLES,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_MEMO_KEYS = {"document": "document_id", "code": "code_id", "coding": "coding_id", "dyad": "dyad_id"}
# A memo's target names the one key that is filled in (a project memo has none).
MEMO_TARGET_KEY_RULE = " OR ".join(
    [f"(target = 'project' AND {' AND '.join(f'{k} IS NULL' for k in _MEMO_KEYS.values())})"]
    + [
        f"(target = '{target}' AND {key} IS NOT NULL AND "
        + " AND ".join(f"{k} IS NULL" for k in _MEMO_KEYS.values() if k != key)
        + ")"
        for target, key in _MEMO_KEYS.items()
    ]
)


def new_guid() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ProjectMeta(Base):
    """Key/value facts about the project: its id (keys the search index), creation time, content version."""

    __tablename__ = "project_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Coder(Base):
    __tablename__ = "coders"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#4477aa")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Dyad(Base):
    """A client with a therapist (and optionally an interpreter: a triad)."""

    __tablename__ = "dyads"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sessions: Mapped[list[Session]] = relationship(
        back_populates="dyad", cascade="all, delete-orphan", order_by="Session.number"
    )
    members: Mapped[list[DyadMember]] = relationship(back_populates="dyad", cascade="all, delete-orphan")


class Participant(Base):
    """A person of the study under a pseudonym; REFI-QDA calls them cases."""

    __tablename__ = "participants"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")


class DyadMember(Base):
    """A participant's place in a dyad (a therapist may belong to several dyads)."""

    __tablename__ = "dyad_members"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)
    dyad_id: Mapped[int] = mapped_column(ForeignKey("dyads.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))

    dyad: Mapped[Dyad] = relationship(back_populates="members")
    participant: Mapped[Participant] = relationship()


class AttributeDefinition(Base):
    """A typed variable of participants or of dyads (age, orientation, outcome group...)."""

    __tablename__ = "attribute_definitions"
    __table_args__ = (
        UniqueConstraint("scope", "name"),
        CheckConstraint(f"scope IN {ATTRIBUTE_SCOPES!r}", name="scope"),
        CheckConstraint(f"type IN {ATTRIBUTE_TYPES!r}", name="type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    scope: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20), default="text")
    description: Mapped[str] = mapped_column(Text, default="")


class AttributeValue(Base):
    """One participant's or one dyad's value of an attribute, stored as canonical text for its type."""

    __tablename__ = "attribute_values"
    __table_args__ = (
        UniqueConstraint("definition_id", "participant_id", "dyad_id"),
        CheckConstraint("(participant_id IS NULL) <> (dyad_id IS NULL)", name="one_owner"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("attribute_definitions.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    dyad_id: Mapped[int | None] = mapped_column(ForeignKey("dyads.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)


class Session(Base):
    """A dyad's numbered meeting, with an optional date and session video."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("dyad_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dyad_id: Mapped[int] = mapped_column(ForeignKey("dyads.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[str | None] = mapped_column(String(10))  # ISO date, optional
    media_path: Mapped[str | None] = mapped_column(Text)

    dyad: Mapped[Dyad] = relationship(back_populates="sessions")


class Document(Base):
    """A transcript, recall interview or note: plain text (LF, no BOM) and its turns."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"kind IN {DOCUMENT_KINDS!r}", name="kind"),
        CheckConstraint(f"perspective IS NULL OR perspective IN {PERSPECTIVES!r}", name="perspective"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    dyad_id: Mapped[int | None] = mapped_column(ForeignKey("dyads.id", ondelete="SET NULL"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    perspective: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the UTF-8 text
    source_name: Mapped[str] = mapped_column(Text, default="")  # original file name
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Moves on every change of the text or turns: a correction started from an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The text's length in code points (the unit of every stored position), kept by the database: stored on a
    # server, where length(text) would decompress the whole transcript at every coding; computed when read in
    # a file. Loaded only when asked for.
    length: Mapped[int] = mapped_column(Integer, Computed("length(text)", persisted=True), deferred=True)

    turns: Mapped[list[Turn]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Turn.start"
    )


class Turn(Base):
    """A speaker turn: a span of a document, with optional media times and a recall reference."""

    __tablename__ = "turns"
    __table_args__ = (
        Index("ix_turns_document_start", "document_id", "start"),
        CheckConstraint('start <= "end"', name="span"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))
    time_start_ms: Mapped[int | None] = mapped_column(Integer)
    time_end_ms: Mapped[int | None] = mapped_column(Integer)
    video_ref_ms: Mapped[int | None] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="turns")


class Code(Base):
    """A theme of the hierarchical codebook, with the definition a team agrees on."""

    __tablename__ = "codes"
    __table_args__ = (
        Index("ix_codes_parent", "parent_id"),
        # a digit key 1-9 belongs to at most one code
        Index(
            "uq_codes_shortcut",
            "shortcut",
            unique=True,
            sqlite_where=sql_text("shortcut IS NOT NULL"),
            postgresql_where=sql_text("shortcut IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(7), default="#888888")
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    shortcut: Mapped[int | None] = mapped_column(Integer)  # 1..9, unique among codes when set
    position: Mapped[int] = mapped_column(Integer, default=0)  # order among siblings
    codable: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A code set: the children are mutually exclusive values (a rupture type, a 1-5 rating), see agreement_sets.
    is_set: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # As a value of a set: its number for interval and ratio agreement (None: the name's number, if any).
    set_value: Mapped[float | None] = mapped_column(Float)


class Coding(Base):
    """A code applied by a coder to a span of a document."""

    __tablename__ = "codings"
    __table_args__ = (
        Index("ix_codings_document_start", "document_id", "start"),
        Index("ix_codings_code", "code_id"),
        Index("ix_codings_coder", "coder_id"),
        CheckConstraint('start < "end"', name="span"),
        # one coder codes one span with one code once
        Index("uq_codings_identical", "document_id", "code_id", "coder_id", "start", "end", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # Chosen by the analyst as one of (up to three) anchor excerpts of its code in the printed codebook.
    anchor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Memo(Base):
    """Free text on the project, a document (optionally a range of it), a code, a coding or a dyad."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(f"target IN {MEMO_TARGETS!r}", name="target"),
        CheckConstraint(MEMO_TARGET_KEY_RULE, name="target_key"),
        Index("ix_memos_document", "document_id"),
        Index("ix_memos_code", "code_id"),
        Index("ix_memos_coding", "coding_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    target: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"))
    dyad_id: Mapped[int | None] = mapped_column(ForeignKey("dyads.id", ondelete="CASCADE"))
    start: Mapped[int | None] = mapped_column(Integer)  # a memo anchored to a range of its document
    end: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CodeSet(Base):
    """A named set of codes and/or documents (REFI-QDA sets)."""

    __tablename__ = "sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class SetMember(Base):
    __tablename__ = "set_members"
    __table_args__ = (
        CheckConstraint("(code_id IS NULL) <> (document_id IS NULL)", name="one_member"),
        UniqueConstraint("set_id", "code_id", "document_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))


class DocumentEdit(Base):
    """The history of corrections to a document's text: who, when, what changed."""

    __tablename__ = "document_edits"
    __table_args__ = (Index("ix_document_edits_document", "document_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text, default="")
    detail_json: Mapped[str] = mapped_column(Text, default="[]")  # the edits, as JSON


# -- Consensual Qualitative Research (CQR) ----------------------------------------------------------------
CQR_AUDIT_TARGETS = ("domain", "category", "core_idea", "coding")
CQR_DECISIONS = ("accepted", "changed", "kept")


class CqrCoreIdea(Base):
    """The team's abstract of what one case (a dyad, or one perspective of it) says in one domain."""

    __tablename__ = "cqr_core_ideas"
    __table_args__ = (UniqueConstraint("dyad_id", "perspective", "domain_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    dyad_id: Mapped[int] = mapped_column(ForeignKey("dyads.id", ondelete="CASCADE"))
    perspective: Mapped[str] = mapped_column(String(20), default="")  # "" = the whole dyad
    domain_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CqrCoreIdeaExcerpt(Base):
    """A coded excerpt a core idea rests on."""

    __tablename__ = "cqr_core_idea_excerpts"
    core_idea_id: Mapped[int] = mapped_column(
        ForeignKey("cqr_core_ideas.id", ondelete="CASCADE"), primary_key=True
    )
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True)


class CqrAuditComment(Base):
    """An auditor's comment on a domain, a category, a core idea or a coding."""

    __tablename__ = "cqr_audit_comments"
    __table_args__ = (CheckConstraint(f"target IN {CQR_AUDIT_TARGETS!r}", name="target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    target: Mapped[str] = mapped_column(String(20))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"))
    core_idea_id: Mapped[int | None] = mapped_column(ForeignKey("cqr_core_ideas.id", ondelete="SET NULL"))
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="SET NULL"))
    # What it was about, kept for the trail when the target is later deleted (its id is then NULL).
    target_label: Mapped[str] = mapped_column(Text, default="")
    auditor: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CqrAuditAnswer(Base):
    """The team's decision on an audit comment; every answer is kept, the latest one stands."""

    __tablename__ = "cqr_audit_answers"
    __table_args__ = (
        CheckConstraint(f"decision IN {CQR_DECISIONS!r}", name="decision"),
        Index("ix_cqr_audit_answers_comment", "comment_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("cqr_audit_comments.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CqrSetting(Base):
    """The project's CQR rule settings (label cutoffs, difference threshold), as key/value text."""

    __tablename__ = "cqr_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One line of the project's append-only, hash-chained audit log (who opened, exported, erased... what).

    `hash` is the SHA-256 of the entry's id, the previous entry's hash and its own content, so an edited,
    removed or reordered row breaks the chain; triggers refuse UPDATE and DELETE on the table."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, seconds: hashed as stored
    coder: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON, keys sorted
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
