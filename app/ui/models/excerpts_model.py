"""Table of coded excerpts for the excerpts view: one row a coding, filterable by dyad, session, perspective
and coder. Rows are plain data gathered by `load_excerpts` from the services; the model only presents them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services import codebook, coding, study
from app.services.project import Project

CONTEXT_CHARS = 90  # characters of context shown either side of an excerpt
ANY = None


@dataclass(frozen=True)
class Excerpt:
    coding_id: int
    document_id: int
    document: str
    dyad: str | None
    session: int | None
    perspective: str | None
    coder: str
    code: str
    code_color: str
    start: int
    end: int
    text: str
    before: str  # a little context, cut at a word boundary
    after: str


@dataclass(frozen=True)
class ExcerptFilter:
    dyad: str | None = ANY
    session: int | None = ANY
    perspective: str | None = ANY
    coder: str | None = ANY

    def accepts(self, row: Excerpt) -> bool:
        return (
            (self.dyad is ANY or row.dyad == self.dyad)
            and (self.session is ANY or row.session == self.session)
            and (self.perspective is ANY or row.perspective == self.perspective)
            and (self.coder is ANY or row.coder == self.coder)
        )


def code_and_descendants(codes: Iterable, code_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code.id)
    found, stack = [], [code_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def load_excerpts(
    project: Project, code_id: int, *, include_subcodes: bool = False, coder_id: int | None = None
) -> list[Excerpt]:
    """Every coding of a code (and of its sub-codes when asked), with its document's study facts and context,
    in document order; only one coder's when `coder_id` is given (blind coding)."""
    codes = codebook.list_codes(project)
    colors = {c.id: c.color for c in codes}
    wanted = code_and_descendants(codes, code_id) if include_subcodes else [code_id]
    views = [v for wanted_id in wanted for v in coding.list_codings(project, code=wanted_id, coder=coder_id)]
    documents = {d.id: d for d in study.list_documents(project)}
    texts: dict[int, str] = {}
    rows: list[Excerpt] = []
    for view in views:
        if view.document_id not in texts:
            texts[view.document_id] = study.get_document(project, view.document_id).text
        text = texts[view.document_id]
        summary = documents.get(view.document_id)
        rows.append(
            Excerpt(
                coding_id=view.id,
                document_id=view.document_id,
                document=view.document,
                dyad=summary.dyad if summary else None,
                session=summary.session if summary else None,
                perspective=summary.perspective if summary else None,
                coder=view.coder,
                code=view.code,
                code_color=colors.get(view.code_id, "#888888"),
                start=view.start,
                end=view.end,
                text=text[view.start : view.end],
                before=_context_before(text, view.start),
                after=_context_after(text, view.end),
            )
        )
    rows.sort(key=lambda r: (r.dyad or "", r.session or 0, r.document, r.start, r.coder))
    return rows


def _context_before(text: str, start: int) -> str:
    piece = text[max(0, start - CONTEXT_CHARS) : start]
    if start > CONTEXT_CHARS and " " in piece:
        piece = "…" + piece.split(" ", 1)[1]
    return piece


def _context_after(text: str, end: int) -> str:
    piece = text[end : end + CONTEXT_CHARS]
    if end + CONTEXT_CHARS < len(text) and " " in piece:
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece


def one_line(text: str) -> str:
    return " ".join(text.split())


class ExcerptsModel(QAbstractTableModel):
    COLUMNS = ("Excerpt", "Document", "Dyad", "Session", "Perspective", "Coder", "Code")
    ExcerptRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list[Excerpt] = []
        self._rows: list[Excerpt] = []
        self._filter = ExcerptFilter()
        self._anchors: frozenset[int] = frozenset()  # coding ids chosen as anchor excerpts (shown with ★)

    # -- content ----------------------------------------------------------------------------------
    def set_excerpts(self, rows: list[Excerpt]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._rows = [r for r in self._all if self._filter.accepts(r)]
        self.endResetModel()

    def set_anchors(self, coding_ids: set[int]) -> None:
        self._anchors = frozenset(coding_ids)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def is_anchor(self, row: int) -> bool:
        return self._rows[row].coding_id in self._anchors

    def set_filter(self, excerpt_filter: ExcerptFilter) -> None:
        self.beginResetModel()
        self._filter = excerpt_filter
        self._rows = [r for r in self._all if excerpt_filter.accepts(r)]
        self.endResetModel()

    def all_excerpts(self) -> list[Excerpt]:
        return list(self._all)

    def excerpts(self) -> list[Excerpt]:
        """The rows shown (after filtering)."""
        return list(self._rows)

    def excerpt(self, row: int) -> Excerpt:
        return self._rows[row]

    # -- Qt model API ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                ("★ " if row.coding_id in self._anchors else "") + one_line(row.text),
                row.document,
                row.dyad or "",
                "" if row.session is None else str(row.session),
                row.perspective or "",
                row.coder,
                row.code,
            )
            return values[column] if 0 <= column < len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{one_line(row.before)} ⟦{one_line(row.text)}⟧ {one_line(row.after)}"
        if role == Qt.ItemDataRole.DecorationRole and column == 6:
            return QColor(row.code_color)
        if role == Qt.ItemDataRole.ForegroundRole and column in (2, 3, 4):
            return QBrush(QColor("#555555"))
        if role == self.ExcerptRole:
            return row
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
