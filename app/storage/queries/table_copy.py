"""Copy every row of a project from one database to another, unchanged: the same ids, GUIDs and values.

Generic over the models: the tables are visited in `Base.metadata.sorted_tables` order (a table after the
tables it refers to), each read in primary-key order in batches and written with Core bulk inserts (on
PostgreSQL with COPY). A table that refers to itself (the codebook's parent codes) is written parents first,
whatever its ids. On PostgreSQL the id sequences are then moved past the copied ids, so the next row a coder
adds gets a fresh id. Row triggers (the search index's) are off while the rows go in; see `row_triggers_off`.

The caller owns the transactions: the source is read in one snapshot and the target written in one
transaction, so a failed or cancelled copy leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Integer, Table, delete, func, inspect, select, text

from app.storage import search_index
from app.storage.models import Base

BATCH_ROWS = 2000
# rows copied so far, rows in all, the table being copied
RowsCopied = Callable[[int, int, str], None]


def copied_tables() -> list[Table]:
    """The tables a copy carries, in an order that satisfies every foreign key."""
    return list(Base.metadata.sorted_tables)


def row_counts(connection: Connection, tables: Iterable[Table] | None = None) -> dict[str, int]:
    return {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in (copied_tables() if tables is None else tables)
    }


def rows_in_order(connection: Connection, table: Table) -> list[dict[str, Any]]:
    """Every row of `table` as a dict, in primary-key order (for comparing two databases)."""
    return [dict(row) for row in connection.execute(_ordered_select(table)).mappings()]


def _ordered_select(table: Table):
    return select(*_stored_columns(table)).order_by(*table.primary_key.columns)


def _stored_columns(table: Table) -> list:
    """The columns a copy writes: not those the database computes itself (a generated column)."""
    return [column for column in table.columns if column.computed is None]


def _self_references(table: Table) -> list[tuple[str, str]]:
    """(column, referred column) of each foreign key from `table` to itself."""
    return [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]


def _batches(connection: Connection, table: Table, size: int) -> Iterator[Sequence[dict[str, Any]]]:
    links = _self_references(table)
    if links:
        rows = rows_in_order(connection, table)
        ordered = _referred_first(rows, links)
        for begin in range(0, len(ordered), size):
            yield ordered[begin : begin + size]
        return
    result = connection.execution_options(stream_results=True, yield_per=size).execute(_ordered_select(table))
    for partition in result.mappings().partitions(size):
        yield [dict(row) for row in partition]


def _referred_first(rows: list[dict[str, Any]], links: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The rows of a self-referring table with every referred row before the rows referring to it (a
    parent code moved under a code created after it has a larger id than its child)."""
    placed: set[tuple[str, Any]] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        still_waiting = []
        for row in waiting:
            needs = [(referred, row[column]) for column, referred in links if row[column] is not None]
            if all(need in placed for need in needs):
                ordered.append(row)
                placed.update((referred, row[referred]) for _column, referred in links)
            else:
                still_waiting.append(row)
        if len(still_waiting) == len(waiting):  # a cycle or a dangling reference: let the database say so
            ordered.extend(still_waiting)
            break
        waiting = still_waiting
    return ordered


def copy_rows(
    source: Connection,
    target: Connection,
    *,
    on_progress: RowsCopied | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> dict[str, int]:
    """Copy every row of every model table from `source` into `target` (whose tables must be empty, except
    project_meta, which is replaced). Returns the rows copied per table. `cancelled()` is polled between
    batches; when it says so, `CopyInterrupted` is raised and the caller rolls the target back."""
    tables = copied_tables()
    counts = row_counts(source, tables)
    total = sum(counts.values())
    done = 0
    if on_progress is not None:
        on_progress(0, total, "")
    for table in tables:
        if table.name == "project_meta":
            target.execute(delete(table))  # the target's own creation facts give way to the source's
        for batch in _batches(source, table, batch_rows):
            if cancelled is not None and cancelled():
                raise CopyInterrupted
            _insert(target, table, batch)
            done += len(batch)
            if on_progress is not None:
                on_progress(done, total, table.name)
    if target.dialect.name == "postgresql":
        reset_sequences(target, tables)
    return counts


def _insert(target: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """A batch of rows into `table`: PostgreSQL's COPY on a server (the rows stream in one command), a bulk
    INSERT elsewhere. Either way inside the target's one transaction."""
    if target.dialect.name != "postgresql":
        target.execute(table.insert(), list(rows))
        return
    names = [column.name for column in _stored_columns(table)]
    quoted = ", ".join(f'"{name}"' for name in names)
    cursor = target.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as stream:
            for row in rows:
                stream.write_row([row[name] for name in names])
    finally:
        cursor.close()


def has_search_index(connection: Connection) -> bool:
    """True when the database holds the search index (a file always; a server once it has full-text search)."""
    return search_index.TURNS_TABLE in inspect(connection).get_table_names()


@contextmanager
def row_triggers_off(target: Connection) -> Iterator[None]:
    """The search index's row triggers off while rows are copied in: on a file its FTS5 tables and triggers
    are dropped (the caller rebuilds them); on a server the tables' own triggers are disabled and enabled again
    (constraints stay checked). Both inside the target's transaction."""
    if target.dialect.name != "postgresql":
        for statement in search_index.drop_statements():
            target.exec_driver_sql(statement)
        yield
        return
    for table in copied_tables():
        target.exec_driver_sql(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER')
    yield
    for table in copied_tables():
        target.exec_driver_sql(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER')


class CopyInterrupted(Exception):
    """Raised inside a copy when its caller asked to stop (the service turns it into OperationCancelled)."""


def reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Move each integer id's sequence past the largest id copied (PostgreSQL; ids were given explicitly)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0].name
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column),"
                f' COALESCE((SELECT MAX("{column}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": f'"{table.name}"', "column": column},
        )
