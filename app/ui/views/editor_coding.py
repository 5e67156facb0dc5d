"""The codings of the document in the transcript editor, and the undoable edits that change them.

`EditorCoding` owns the coding index the editor paints, the codebook and coders it is drawn from, the recently
used codes, and every coding command (apply, remove, recode, in-vivo, replace a code-set value), including the
one undo step that creates the first coder together with the coding that needed one. It knows nothing of
painting: when its index changes it hands the old and new index to `show_index`, and it asks the editor (its
`host`) only through public calls: the document shown, the selection, whose codings are shown, and the
overridable questions (`ask_replace_value`, `ask_coder_name`, `ask_memo_text`, `report_error`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from app.domain.errors import RapportError
from app.services import codebook, coding, memos
from app.services.code_sets import SetValueConflict
from app.ui import coder_choice
from app.ui.coding_index import CodingIndex, ShownCoding
from app.ui.context import AppContext
from app.ui.editor_commands import (
    AddCodingsCommand,
    DeleteCodingsCommand,
    InVivoCommand,
    NewCoderCommand,
    RecodeCodingsCommand,
    ReplaceSetValueCommand,
    run_and_push,
)
from app.ui.views.editor_support import coder_palette, in_vivo_name

RECENT_CODES = 5


class EditorCoding:
    """The coding index of the shown document and the commands that edit it."""

    def __init__(self, context: AppContext, host) -> None:
        self.context = context
        # The TranscriptEditor (weakly: it owns this object): document shown, selection, coders shown,
        # questions, and `show_index(old, changed)` to paint a new index.
        self._host = weakref.ref(host)
        self.index = CodingIndex([])
        self.by_coder = False  # stripes in coder colours (several coders shown) rather than code colours
        self.recent_codes: list[int] = []
        self.codes: dict[int, object] = {}  # id -> codebook.CodeData, in tree order
        self.coders: dict[int, tuple[str, str]] = {}  # id -> (name, colour)
        self._tables_for: object = None  # the project whose codebook and coders are cached
        self._coders_stale = False  # the coders changed since they were read (the codebook did not)

    @property
    def host(self):
        """The editor itself (not a proxy: it is the initiator its change notices are compared with)."""
        return self._host()

    # -- codebook and coders ---------------------------------------------------------------------------
    def refresh_tables(self) -> None:
        """Codebook and coders, kept between documents (menus and digit shortcuts need them at once) and
        re-read when the project says they changed."""
        project = self.context.project
        self._tables_for = project
        self._coders_stale = False
        if project is None:
            self.codes, self.coders = {}, {}
            return
        self.codes = {c.id: c for c in codebook.list_codes(project, with_usage=False)}
        self._read_coders()

    def _read_coders(self) -> None:
        project = self.context.project
        self.coders = {c.id: (c.name, c.color) for c in coding.list_coders(project)} if project else {}
        self._coders_stale = False

    def fresh_tables(self) -> None:
        """Re-read the codebook and coders when they belong to another project or were marked stale (only the
        coders when only they changed: a thousand-code codebook is not read again for a new coder)."""
        if self._tables_for is not self.context.project:
            self.refresh_tables()
        elif self._coders_stale:
            self._read_coders()

    def forget_tables(self, *, codebook_too: bool = True) -> None:
        """Mark the coders stale, and the codebook too unless told it did not change: re-read on the next use."""
        if codebook_too:
            self._tables_for = None
        self._coders_stale = True

    def reset(self) -> None:
        """Another project: no recent codes, tables ready before the first document opens."""
        self.recent_codes = []
        self.refresh_tables()

    # -- the index ----------------------------------------------------------------------------------------
    def build_index(self) -> CodingIndex:
        """The shown document's codings, for the coders shown (sets `by_coder`)."""
        project, doc = self.context.project, self.host.current_document_id
        if project is None or doc is None:
            return CodingIndex([])
        records = coding.coding_spans(project, doc)
        shown = self.host.shown_filter()
        wanted = shown.accepts(self.context.active_coder_id)
        records = [r for r in records if wanted(r.coder_id)]
        self.by_coder = len({r.coder_id for r in records}) > 1 or shown.mode != "mine"
        palette = coder_palette(self.coders) if self.by_coder else {}
        memo_texts = memos.coding_memo_texts(project, doc)
        return CodingIndex([self._shown(r, palette, memo_texts) for r in records])

    def load(self) -> None:
        """A document was opened: take its index as it is (the editor paints it whole)."""
        self.fresh_tables()
        self.index = self.build_index()

    def _shown(self, record, palette: dict[int, str], memo_texts: dict[int, str]) -> ShownCoding:
        code = self.codes.get(record.code_id)
        coder_name = self.coders.get(record.coder_id, ("?", ""))[0]
        color = palette.get(record.coder_id) if palette else (code.color if code else None)
        return ShownCoding(
            record.id,
            record.code_id,
            record.coder_id,
            record.start,
            record.end,
            color or "#888888",
            code.name if code else "?",
            coder_name,
            memo_texts.get(record.id, ""),
        )

    def _swap(self, index: CodingIndex, changed: set[ShownCoding] | None = None) -> None:
        old, self.index = self.index, index
        self.host.show_index(old, changed)

    def reload(self) -> None:
        """Re-read the codings; the editor repaints only the paragraphs whose codings changed."""
        if self.host.current_document_id is None:
            return
        self._swap(self.build_index())

    def patch(self, touched) -> None:
        """Re-read only these codings (removed, added or changed), e.g. after an undo."""
        project, doc = self.context.project, self.host.current_document_id
        shown = self.host.shown_filter()
        wanted = shown.accepts(self.context.active_coder_id)
        fresh = [
            r for r in coding.codings_by_ids(project, touched) if r.document_id == doc and wanted(r.coder_id)
        ]
        remaining = self.index.without(touched)
        coders = {c.coder_id for c in remaining.codings} | {r.coder_id for r in fresh}
        if self.by_coder != (len(coders) > 1 or shown.mode != "mine"):
            self.reload()  # the stripes switch between code colours and coder colours
            return
        palette = coder_palette(self.coders) if self.by_coder else {}
        removed = [self.index.by_id[i] for i in touched if i in self.index.by_id]
        added = [self._shown(r, palette, {}) for r in fresh]
        self._swap(remaining.with_added(added), changed=set(removed) | set(added))

    def _add_records(self, records) -> None:
        wanted = self.host.shown_filter().accepts(self.context.active_coder_id)
        palette = coder_palette(self.coders) if self.by_coder else {}
        doc = self.host.current_document_id
        added = [self._shown(r, palette, {}) for r in records if r.document_id == doc and wanted(r.coder_id)]
        self._swap(self.index.with_added(added), changed=set(added))

    # -- commands -----------------------------------------------------------------------------------------
    def apply_code(self, code_id: int) -> bool:
        """Code the current selection with a code for the active coder; False when there is nothing to code."""
        chosen = self.host.selected_range()
        project, doc = self.context.project, self.host.current_document_id
        if chosen is None or project is None or doc is None or project.read_only:
            return False
        code = self.codes.get(code_id)
        if code is None:
            self.refresh_tables()
            code = self.codes.get(code_id)
            if code is None:
                return False
        start, end = chosen
        spec = coding.CodingSpec(doc, code_id, start, end)
        label = f"Code “{_short(self.host.view.stored_text()[start:end])}” as {code.name}"
        with self._one_step(label):  # with the coder it may have to create first
            coder_id = self._coder_id()
            if coder_id is None:
                return False
            shown = self.host.document  # the version whose text the passage was chosen in
            seen = {doc: shown.version} if shown is not None and shown.id == doc else None
            command = AddCodingsCommand(project, [spec], coder_id, label, seen)
            # As the initiator, the editor grows its index from the command's records instead of re-reading.
            try:
                run_and_push(self.context, command, self.host)
            except SetValueConflict as conflict:
                return self._replace_set_value(conflict, spec, coder_id, f"{label} (replacing)")
            except RapportError as error:
                self.host.report_error(error)
                return False
        self._add_records(command.records)
        self._remember(code_id)
        return True

    def apply_shortcut(self, digit: int) -> bool:
        self.fresh_tables()
        for code in self.codes.values():
            if code.shortcut == digit:
                return self.host.apply_code(code.id)
        return False

    def _replace_set_value(self, conflict: SetValueConflict, spec, coder_id: int, label: str) -> bool:
        """A second value of a code set on the passage: replace the first when the user says so."""
        if not self.host.ask_replace_value(str(conflict)):
            return False
        replaced = self._run(ReplaceSetValueCommand(self.context.project, [spec], coder_id, label))
        if replaced:  # the change notice re-reads this document's codings (one was removed)
            self._remember(spec.code_id)
        return replaced

    def in_vivo(self) -> bool:
        chosen = self.host.selected_range()
        project, doc = self.context.project, self.host.current_document_id
        if chosen is None or project is None or doc is None or project.read_only:
            return False
        start, end = chosen
        name = in_vivo_name(self.host.view.stored_text()[start:end])
        if not name:
            return False

        def spec(code_id: int) -> coding.CodingSpec:
            return coding.CodingSpec(doc, code_id, start, end)

        label = f"In-vivo code “{name}”"
        with self._one_step(label):
            coder_id = self._coder_id()
            return coder_id is not None and self._run(InVivoCommand(project, name, spec, coder_id, label))

    def remove(self, coding_id: int) -> None:
        shown = self.index.by_id.get(coding_id)
        project = self.context.project
        if shown is not None and project is not None:
            self._run(DeleteCodingsCommand(project, [coding_id], f"Remove coding {shown.code_name}"))

    def recode(self, coding_id: int, code_id: int) -> None:
        shown, code, project = self.index.by_id.get(coding_id), self.codes.get(code_id), self.context.project
        if shown is not None and code is not None and project is not None:
            text = f"Re-code {shown.code_name} as {code.name}"
            if self._run(RecodeCodingsCommand(project, [coding_id], code_id, text)):
                self._remember(code_id)

    def edit_memo(self, coding_id: int) -> None:
        shown = self.index.by_id.get(coding_id)
        if shown is None:
            return
        text = self.host.ask_memo_text(f"Memo on {shown.code_name}", shown.memo)
        if text is None or text == shown.memo:
            return
        from app.ui.views.memo_panel import push_memo_text

        push_memo_text(self.context, "coding", coding_id, text)

    def _run(self, command, initiator: object = None) -> bool:
        try:
            run_and_push(self.context, command, initiator)
        except RapportError as error:
            self.host.report_error(error)
            return False
        return True

    @contextmanager
    def _one_step(self, label: str) -> Iterator[None]:
        """Without an active coder, creating one and the action that needed one are one undo step."""
        if self.context.active_coder_id is not None:
            yield
            return
        self.context.undo_stack.beginMacro(label)
        try:
            yield
        finally:
            self.context.undo_stack.endMacro()

    def _coder_id(self) -> int | None:
        """The active coder; when nobody is chosen yet, ask who is coding (None: cancelled, nothing is coded).
        Creating that coder is undoable, in one step with the action that needed it (`_one_step`)."""
        return coder_choice.first_coder(
            self.context, self.host, self.host.ask_coder_name, create=self._create_coder
        )

    def _create_coder(self, name: str) -> int | None:
        command = NewCoderCommand(self.context, name)
        return command.coder_id if self._run(command) else None

    def _remember(self, code_id: int) -> None:
        if code_id in self.recent_codes:
            self.recent_codes.remove(code_id)
        self.recent_codes.insert(0, code_id)
        del self.recent_codes[RECENT_CODES:]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
