"""One study in a project file and, row for row, in a PostgreSQL database: for comparing the two searches.

The file is built by the services (the demo study plus transcripts with accents, apostrophes, numbers, emoji,
curly quotes and line breaks, and memos); the server copy gets the models' tables, the server search index
(app/storage/server_search_index.py) and then every row with its id, so its triggers index it as an import would.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, select

from app.services.importing import DocumentMeta, import_text
from app.services.memos import add_memo
from app.services.project import Project, open_project
from app.storage import server_search_index
from app.storage.models import Base, Coder

TRICKY = [
    (
        "X01",
        "Client: Le café était fermé, CAFE closed — naïve Zoë said “it’s fine”… I'd 1.5 or 3,000 times.\n"
        "Therapist: Don't worry 🙂 it's O'Brien's e-mail: zoe@example.org, well-known, co-operative.\n"
        "Client: trust trust TRUST trusting trusted; trustworthy?! Ünïcödé straße STRASSE ﬁne.\n"
        "Therapist: felt\nunderstood, felt   understood, felt, understood. 2026-12-03 10:30 #1 $5 50%.\n",
    ),
    (
        "X02",
        "Dr Smith: Я чувствую доверие. Ελληνικά άλφα ΆΛΦΑ. 中文 日本語 한국어 thanks🙂 thumbs👍🏽up.\n"
        "Client: fath er father fathers Father's FATHER-in-law faither\n"
        "Dr Smith: a\u0301b cafe\u0301 x_y x-y x.y x/y x\\y [video 00:01:02] (laughs) [inaudible]\n"
        "Client: very very very good, good good. The the THE. I I I think I think.\n",
    ),
]


# One turn too long for a tsvector's positions: "the" 300 times before the phrases, and over 16,383 words.
MONOLOGUE = (
    "Client: "
    + "the cat sat on " * 300
    + "the dream came back. "
    + "and then nothing " * 5600
    + "felt understood at last, the very end.\n"
)


def build_file_study(demo: Path) -> Project:
    """The demo study at `demo` (a copy of it, changed in place) with tricky texts and memos added, open."""
    project = open_project(demo)
    for name, text in [*TRICKY, ("X03", MONOLOGUE)]:
        import_text(project, name=name, text=text, meta=DocumentMeta(dyad=name, kind="session", session=1))
    with project.read() as session:
        author = session.scalars(select(Coder.id)).first()
    add_memo(project, "project", text="Trust felt understood; le café était fermé.", title="Trust memo")
    add_memo(project, "project", text="", title="Only a title: Father's rupture", author_id=author)
    add_memo(project, "project", text="Only a text, 1.5 trust 🙂 it's", author_id=author)
    return project


def server_engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def copy_to_server(path: Path, url: str) -> Engine:
    """The models' tables and the server index in the database at `url`, then every row of the file."""
    source = create_engine(f"sqlite:///{path}")
    target = server_engine(url)
    with source.connect() as reading, target.begin() as writing:
        Base.metadata.create_all(writing)
        server_search_index.create(writing)
        present = MetaData()
        present.reflect(reading)
        for table in Base.metadata.sorted_tables:
            if table.name not in present.tables:
                continue
            stored = [column for column in table.columns if column.computed is None]  # not generated ones
            rows = [dict(row._mapping) for row in reading.execute(select(*stored))]
            if rows:
                writing.execute(table.insert(), rows)
    source.dispose()
    return target
