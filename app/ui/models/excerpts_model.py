"""Table of coded excerpts for the excerpts view: one row a coding, filterable by dyad, session, perspective
and coder. Rows are plain data gathered by `services.excerpts`; the model only presents them.

A code may have thousands of excerpts: the view is handed them in batches (`canFetchMore`/`fetchMore`), so the
first screen is painted before the rest is asked for. After a coding the rows concerned are removed and
inserted in place (`patch`), never a reset, so the reader keeps their selection and scroll position."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.excerpts import Excerpt, code_and_descendants, load_excerpts

__all__ = [
    "ANY",
    "Excerpt",
    "ExcerptFilter",
    "ExcerptsModel",
    "code_and_descendants",
    "load_excerpts",
    "one_line",
]

ANY = None
FETCH_BATCH = 200  # rows handed to the view at a time: the first screen paints before the rest is asked for


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


def one_line(text: str) -> str:
    return " ".join(text.split())


class ExcerptsModel(QAbstractTableModel):
    COLUMNS = ("Excerpt", "Document", "Dyad", "Session", "Perspective", "Coder", "Code")
    ExcerptRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list[Excerpt] = []
        self._rows: list[Excerpt] = []  # those the filter accepts, in study order
        self._fetched = 0  # how many of `_rows` the view has been given
        self._filter = ExcerptFilter()
        self._anchors: frozenset[int] = frozenset()  # coding ids chosen as anchor excerpts (shown with ★)

    # -- content ----------------------------------------------------------------------------------
    def set_excerpts(self, rows: list[Excerpt], *, in_study_order: bool = False) -> None:
        """Show these rows; `in_study_order` says they come sorted already (as `services.excerpts` gives them),
        so two thousand sort keys are not built again."""
        self.beginResetModel()
        self._all = list(rows) if in_study_order else sorted(rows, key=Excerpt.sort_key)
        self._rows = [r for r in self._all if self._filter.accepts(r)]
        self._fetched = min(FETCH_BATCH, len(self._rows))
        self.endResetModel()

    def complete(self, rows: list[Excerpt]) -> None:
        """The whole list (in study order) of which the rows shown so far were the beginning: the rows the view
        was given stay as they are (no reset: the reader's place and selection stay); the rest arrive as the
        view fetches them."""
        accepted = [r for r in rows if self._filter.accepts(r)]
        given = [r.coding_id for r in self._rows[: self._fetched]]
        if [r.coding_id for r in accepted[: self._fetched]] != given:
            self.set_excerpts(rows, in_study_order=True)  # not the beginning of this list after all
            return
        self._all, self._rows = list(rows), accepted
        more = min(FETCH_BATCH, len(self._rows)) - self._fetched
        if more > 0:  # a first screen shorter than a batch (a filter): fill it
            self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + more - 1)
            self._fetched += more
            self.endInsertRows()

    def patch(self, gone: Iterable[int], fresh: Iterable[Excerpt]) -> None:
        """Drop the rows of these coding ids, then put these excerpts in their place in study order."""
        gone = set(gone)
        fresh = sorted(fresh, key=Excerpt.sort_key)
        gone |= {
            r.coding_id for r in fresh
        }  # a changed coding is removed, then inserted where it now belongs
        if any(r.coding_id in gone for r in self._all):
            self._all = [r for r in self._all if r.coding_id not in gone]
            for row in reversed([i for i, r in enumerate(self._rows) if r.coding_id in gone]):
                self._remove_row(row)
        keys = [r.sort_key() for r in self._all]
        row_keys = [r.sort_key() for r in self._rows]  # built once: coding all hits may insert hundreds
        for excerpt in fresh:
            key = excerpt.sort_key()
            at = bisect_left(keys, key)
            keys.insert(at, key)
            self._all.insert(at, excerpt)
            if self._filter.accepts(excerpt):
                self._insert_row(excerpt, key, row_keys)

    def _remove_row(self, row: int) -> None:
        if row < self._fetched:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._fetched -= 1
            self.endRemoveRows()
        else:
            del self._rows[row]

    def _insert_row(self, excerpt: Excerpt, key: tuple, row_keys: list[tuple]) -> None:
        row = bisect_left(row_keys, key)
        row_keys.insert(row, key)
        if row <= self._fetched and (row < self._fetched or not self.canFetchMore()):
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, excerpt)
            self._fetched += 1
            self.endInsertRows()
        else:
            self._rows.insert(row, excerpt)  # beyond what the view was given: it arrives with a later fetch

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._fetched < len(self._rows)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        more = min(FETCH_BATCH, len(self._rows) - self._fetched)
        self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + more - 1)
        self._fetched += more
        self.endInsertRows()

    def fetch_all(self) -> None:
        """Hand every row to the view (e.g. before selecting all of them)."""
        while self.canFetchMore():
            self.fetchMore()

    def row_of(self, coding_id: int) -> int | None:
        """The model row showing this coding, or None (filtered out, or not fetched yet)."""
        return next((i for i, r in enumerate(self._rows[: self._fetched]) if r.coding_id == coding_id), None)

    def set_anchors(self, coding_ids: set[int]) -> None:
        changed = frozenset(coding_ids) ^ self._anchors
        self._anchors = frozenset(coding_ids)
        for row, excerpt in enumerate(self._rows[: self._fetched]):
            if excerpt.coding_id in changed:
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))

    def is_anchor(self, row: int) -> bool:
        return self._rows[row].coding_id in self._anchors

    def set_filter(self, excerpt_filter: ExcerptFilter) -> None:
        if excerpt_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = excerpt_filter
        self._rows = [r for r in self._all if excerpt_filter.accepts(r)]
        self._fetched = min(FETCH_BATCH, len(self._rows))
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
        return 0 if parent.isValid() else self._fetched

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < self._fetched):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return ("★ " if row.coding_id in self._anchors else "") + one_line(row.text)
            values = self.facts_shown(row)
            return values[column - 1] if 1 <= column <= len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{one_line(row.before)} ⟦{one_line(row.text)}⟧ {one_line(row.after)}"
        if role == Qt.ItemDataRole.DecorationRole and column == 6:
            return QColor(row.code_color)
        if role == Qt.ItemDataRole.ForegroundRole and column in (2, 3, 4):
            return QBrush(QColor("#555555"))
        if role == self.ExcerptRole:
            return row
        return None

    @staticmethod
    def facts_shown(row: Excerpt) -> tuple[str, ...]:
        """The texts of columns 1 to 6 (document, dyad, session, perspective, coder, code) for a row."""
        session = "" if row.session is None else str(row.session)
        return (row.document, row.dyad or "", session, row.perspective or "", row.coder, row.code)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
