"""Alembic environment. Rapport runs migrations from code (app/storage/migrate.py), passing the connection."""

from __future__ import annotations

from alembic import context

from app.storage.models import Base
from app.storage.search_index import is_index_table

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
        from sqlalchemy import create_engine

        engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
        include_name=_described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


def _described_by_models(name, type_, _parent_names) -> bool:
    """The search index's FTS5 tables are made by raw statements (0008_search_fts5), not by the models."""
    return not (type_ == "table" and is_index_table(name))


if context.is_offline_mode():  # pragma: no cover
    raise SystemExit("Rapport migrations run online only")
run_migrations_online()
