"""The one way tests (and benchmarks) build a study: a small fluent builder over the real services.

    study = (
        StudyBuilder(project)
        .document("s1", SESSION, dyad="D01", session=1, perspective="client", kind="session")
        .participant("C01", "client", "D01", age=34)
        .code("alliance", "Alliance").code("trust", "Trust", parent="alliance", shortcut=1)
        .coder("ana", "Ana")
        .coding("s1", "trust", "I trust you", coder="ana")
        .memo("code", "trust", text="Watch for irony.")
        .study
    )
    study.documents["s1"], study.codes["trust"], study.coders["ana"], study.codings[...]

Every call writes at once through the services (importing, study, codebook, coding, memos, code_sets,
session_video), in the order the calls are made, so ids come out in that order. Things are named by keys of
the caller's choosing (strings or tuples); a coding is placed by a phrase of its document (its first
occurrence, or the `occurrence`-th) or by an explicit (start, end). Only REFI-QDA sets of codes and documents
are written as rows, as no service creates one (they arrive by import). Named studies built with it live in
tests/study_presets.py.

Also: `files(...)` imports real transcript files in one batch; `large_codebook` and `codings` (one bulk call)
build benchmark-sized studies; `Study.of(project)` continues, keyed by names, a study made elsewhere (by the
CLI, or by an earlier step of the test), and `StudyBuilder(project, study)` continues a Study.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.services import code_sets, codebook, coding, memos, session_video
from app.services import study as study_service
from app.services.importing import DocumentMeta, import_files, import_text
from app.services.project import Project

Key = Hashable
CODE_FIELDS = ("definition", "inclusion", "exclusion", "example")


def span_of(text: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """The half-open range of the `occurrence`-th (0-based) appearance of `phrase` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


@dataclass
class Study:
    """Ids of what a builder created, by the caller's keys; `texts` holds each document's stored text."""

    project: Project
    documents: dict[Key, int] = field(default_factory=dict)
    texts: dict[Key, str] = field(default_factory=dict)
    codes: dict[Key, int] = field(default_factory=dict)
    coders: dict[Key, int] = field(default_factory=dict)
    codings: dict[Key, int] = field(default_factory=dict)
    memos: dict[Key, int] = field(default_factory=dict)
    sets: dict[Key, int] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project) -> Study:
        """What `project` holds already, keyed by names: documents, codes (by path, "Parent/Child"), coders;
        to continue, with a builder, a study made elsewhere (by the CLI, or an earlier step of a test)."""
        found = cls(project)
        for document in study_service.list_documents(project):
            found.documents[document.name] = document.id
            found.texts[document.name] = study_service.get_document(project, document.id).text
        found.codes = {code.path: code.id for code in codebook.list_codes(project, with_usage=False)}
        found.coders = {coder.name: coder.id for coder in coding.list_coders(project)}
        return found

    def span(self, document: Key, phrase: str, occurrence: int = 0) -> tuple[int, int]:
        return span_of(self.texts[document], phrase, occurrence)


class StudyBuilder:
    """Fills `project` call by call; `.study` holds the ids. Continue an existing Study by passing it."""

    def __init__(self, project: Project, study: Study | None = None) -> None:
        self.project = project
        self.study = study if study is not None else Study(project)

    # -- documents and the people and meetings they belong to -------------------------------------------

    def document(
        self,
        key: Key,
        text: str,
        *,
        name: str | None = None,
        dyad: str | None = None,
        session: int | None = None,
        perspective: str | None = None,
        kind: str = "other",
        participant: str | None = None,
    ) -> StudyBuilder:
        """Import `text` as a transcript (turns, timestamps and video references parsed); the dyad, its
        session and a new participant are created on the way. The name defaults to the key."""
        meta = DocumentMeta(
            dyad=dyad, session=session, perspective=perspective, kind=kind, participant=participant
        )
        imported = import_text(self.project, name=name or str(key), text=text, meta=meta)
        self.study.documents[key] = imported.id
        self.study.texts[key] = study_service.get_document(self.project, imported.id).text
        return self

    def files(
        self,
        *paths: Path,
        dyad: str | None = None,
        session: int | None = None,
        perspective: str | None = None,
        kind: str = "other",
        participant: str | None = None,
    ) -> StudyBuilder:
        """Import transcript files (DOCX, TXT, subtitles) in one batch as the import dialog does, all with the
        same place in the study; each document is keyed by its file's stem. A file that fails fails the test."""
        meta = DocumentMeta(
            dyad=dyad, session=session, perspective=perspective, kind=kind, participant=participant
        )
        report = import_files(self.project, list(paths), meta)
        assert report.ok, report.failures
        for path, imported in zip(paths, report.documents, strict=True):
            self.study.documents[path.stem] = imported.id
            self.study.texts[path.stem] = study_service.get_document(self.project, imported.id).text
        return self

    def participant(self, name: str, role: str, dyad: str | None = None, **attributes: Any) -> StudyBuilder:
        """A participant with a role (joining `dyad` when given) and typed attributes (by value type)."""
        study_service.add_participant(self.project, name, role, dyad)
        return self.participant_attributes(name, attributes)

    def participant_attributes(self, name: str, attributes: Mapping[str, Any]) -> StudyBuilder:
        """Attributes whose names are not identifiers ("years of practice") go through this mapping."""
        if attributes:
            study_service.set_participant_attributes(self.project, name, attributes)
        return self

    def dyad_attributes(self, dyad: str, attributes: Mapping[str, Any]) -> StudyBuilder:
        """Attributes of a dyad that exists already (made by a document or a participant)."""
        if attributes:
            study_service.set_dyad_attributes(self.project, dyad, attributes)
        return self

    def video(self, dyad: str, session: int, path: str) -> StudyBuilder:
        """The session's video path; the file need not exist (as on a project moved to another machine)."""
        session_video.set_session_video(self.project, dyad, session, path, must_exist=False)
        return self

    # -- the codebook ---------------------------------------------------------------------------------------

    def code(
        self,
        key: Key,
        name: str | None = None,
        *,
        parent: Key | None = None,
        color: str | None = None,
        codable: bool = True,
        shortcut: int | None = None,
        **fields: str,
    ) -> StudyBuilder:
        """A code (name defaults to the key) under the code keyed `parent`; `fields` are definition,
        inclusion, exclusion and example."""
        unknown = set(fields) - set(CODE_FIELDS)
        if unknown:
            raise TypeError(f"A code has no field {', '.join(sorted(unknown))}")
        parent_id = None if parent is None else self.study.codes[parent]
        made = codebook.add_code(self.project, name or str(key), parent=parent_id, color=color, **fields)
        self.study.codes[key] = made.id
        changes: dict[str, Any] = {}
        if not codable:
            changes["codable"] = False
        if shortcut is not None:
            changes["shortcut"] = shortcut
        if changes:
            codebook.update_code(self.project, made.id, **changes)
        return self

    def codes(self, *names: str, parent: Key | None = None) -> StudyBuilder:
        """Several codes keyed by their names, under one parent (or at the top level)."""
        for name in names:
            self.code(name, parent=parent)
        return self

    def large_codebook(self, size: int, themes: int = 40, colors: Sequence[str] = ()) -> StudyBuilder:
        """A benchmark-sized codebook: `themes` top-level codes "Theme i", then "Code i" under the themes in
        turn, `size` codes in all, keyed by their names (in that order), coloured from `colors` in turn."""
        for i in range(min(themes, size)):
            self.code(f"Theme {i}", color=colors[i % len(colors)] if colors else None)
        for i in range(size - themes):
            self.code(
                f"Code {i}", parent=f"Theme {i % themes}", color=colors[i % len(colors)] if colors else None
            )
        return self

    def mark_set(self, parent: Key, marked: bool = True) -> StudyBuilder:
        """Mark the code keyed `parent` as a code set: its sub-codes become mutually exclusive values."""
        code_sets.mark_code_set(self.project, self.study.codes[parent], marked)
        return self

    # -- coders, codings, memos, sets ---------------------------------------------------------------------

    def coder(self, key: Key, name: str | None = None, *, color: str | None = None) -> StudyBuilder:
        coder_id = coding.ensure_coder(self.project, name or str(key))
        if color is not None:
            coding.set_coder_color(self.project, coder_id, color)
        self.study.coders[key] = coder_id
        return self

    def coding(
        self,
        document: Key,
        code: Key,
        phrase: str | None = None,
        *,
        coder: Key,
        span: tuple[int, int] | None = None,
        occurrence: int = 0,
        key: Key | None = None,
    ) -> StudyBuilder:
        """`coder` codes `phrase` (or `span`) of `document` with `code`; stored under `key` when given."""
        if (phrase is None) == (span is None):
            raise TypeError("Give either the phrase coded or its span.")
        start, end = span if span is not None else self.study.span(document, phrase, occurrence)
        if coder not in self.study.coders:
            self.coder(coder)
        spec = coding.CodingSpec(self.study.documents[document], self.study.codes[code], start, end)
        records = coding.add_codings(self.project, [spec], self.study.coders[coder])
        assert records, f"{coder!r} had already coded {start}-{end} of {document!r} with {code!r}"
        if key is not None:
            self.study.codings[key] = records[0].id
        return self

    def codings(self, coder: Key, spans: Iterable[tuple[Key, Key, int, int]]) -> StudyBuilder:
        """Many codings by one coder in one call, as a bulk action makes them: (document, code, start, end)."""
        if coder not in self.study.coders:
            self.coder(coder)
        documents, codes = self.study.documents, self.study.codes
        specs = [coding.CodingSpec(documents[d], codes[c], start, end) for d, c, start, end in spans]
        coding.add_codings(self.project, specs, self.study.coders[coder])
        return self

    def memo(
        self,
        target: str,
        on: Key | None = None,
        *,
        text: str = "",
        title: str = "",
        author: Key | None = None,
        phrase: str | None = None,
        key: Key | None = None,
    ) -> StudyBuilder:
        """A memo on the project, or on the document, code, coding or dyad keyed `on` (a dyad by its name);
        a document memo may be anchored to a phrase of the document."""
        target_id = {
            "project": lambda: None,
            "document": lambda: self.study.documents[on],
            "code": lambda: self.study.codes[on],
            "coding": lambda: self.study.codings[on],
            "dyad": lambda: self._dyad_id(on),
        }[target]()
        start, end = self.study.span(on, phrase) if phrase is not None else (None, None)
        author_id = None if author is None else self.study.coders[author]
        made = memos.add_memo(
            self.project, target, target_id, text=text, title=title, author_id=author_id, start=start, end=end
        )
        if key is not None:
            self.study.memos[key] = made.id
        return self

    def refi_set(
        self,
        key: Key,
        name: str,
        *,
        codes: Iterable[Key] = (),
        documents: Iterable[Key] = (),
        description: str = "",
    ) -> StudyBuilder:
        """A REFI-QDA set of codes and documents (written as rows: no service makes one, they arrive by import)."""
        from app.storage.models import CodeSet, SetMember

        with self.project.write() as session:
            made = CodeSet(name=name, description=description)
            session.add(made)
            session.flush()
            session.add_all(
                [SetMember(set_id=made.id, code_id=self.study.codes[c]) for c in codes]
                + [SetMember(set_id=made.id, document_id=self.study.documents[d]) for d in documents]
            )
            self.study.sets[key] = made.id
        return self

    def _dyad_id(self, name: Key) -> int:
        return next(d.id for d in study_service.list_dyads(self.project) if d.name == name)
