"""Search in a server project, through the services: the same results as a file project, an index kept current.

Both projects are made by the same service calls (so their ids agree); the server's index must follow every
change the services make (corrections, splits, deleting documents, memos, renaming a coder) in the same
transaction: after them it equals an index rebuilt from scratch, and a search finds exactly what the file finds.
"""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest
from sqlalchemy import text

from app.domain.errors import SearchError
from app.services import search
from app.services.coding import rename_coder
from app.services.editing import edit_document_text, split_turn
from app.services.importing import DocumentMeta, import_text
from app.services.memos import add_memo, delete_memo, update_memo
from app.services.project import create_project, open_project
from app.services.search_upkeep import rebuild_index
from app.services.study import delete_documents, get_document
from app.storage import migrate, server_search_terms, upkeep
from app.storage.models import Coder
from app.storage.queries import search as search_queries
from app.storage.server_schema import prepare_server_for_open
from tests.server_search_study import TRICKY

QUERIES = [
    "trust",
    "café",
    '"felt understood"',
    '"understood felt understood"',
    '"trust trust TRUST"',
    "trust AND ella",
    "fath?r",
    "trust*",
    "speaker:client trust",
    "NOT trust",
    "ella",
]


def build(project) -> None:
    for name, body in TRICKY:
        import_text(project, name=name, text=body, meta=DocumentMeta(dyad=name, kind="session", session=1))
    with project.write() as session:
        session.add(Coder(name="Ana Lima"))
    with project.read() as session:
        author = session.query(Coder.id).filter_by(name="Ana Lima").scalar()
    add_memo(project, "project", title="Trust memo", text="Ella felt understood. Café.", author_id=author)
    add_memo(project, "project", title="", text="trust again")


def change(project) -> None:
    first = get_document(project, "X01")
    edit_document_text(
        project, first.id, first.text.replace("trust trust", "ella trust").replace("café", "cafe")
    )
    split_turn(project, first.id, first.turns[1].start + 20)
    memos = [row[0] for row in _rows(project, "SELECT id FROM memos ORDER BY id")]
    update_memo(project, memos[0], text="Trust changed: father")
    delete_memo(project, memos[1])
    with project.read() as session:
        author = session.query(Coder.id).filter_by(name="Ana Lima").scalar()
    rename_coder(project, author, "Ella Ferreira")
    delete_documents(project, [get_document(project, "X02").id])


def _rows(project, sql: str) -> list[tuple]:
    with project.read() as session:
        return [tuple(row) for row in session.execute(text(sql))]


def _index(project) -> list[tuple]:
    return _rows(
        project,
        "SELECT 't', id, words::text, speaker_words::text FROM search_turns UNION ALL"
        " SELECT 'm', id, words::text, speaker_words::text FROM search_memos UNION ALL"
        " SELECT 'x', id, body, '' FROM search_turn_texts UNION ALL"
        " SELECT 'k', id, term, '' FROM search_terms ORDER BY 1, 2, 3",
    )


def _turn_texts_are_the_turns(project) -> bool:
    """Every turn has its row in search_turn_texts: its document, place, speaker and slice of the text."""
    kept = {
        row[0]: row[1:]
        for row in _rows(
            project, 'SELECT id, document_id, start, "end", speaker, body FROM search_turn_texts'
        )
    }
    turns = _rows(
        project,
        'SELECT t.id, t.document_id, t.start, t."end", t.speaker, d.text FROM turns t'
        " JOIN documents d ON d.id = t.document_id",
    )
    expected = {
        ident: (document, start, end, speaker, text[start:end])
        for ident, document, start, end, speaker, text in turns
    }
    return bool(turns) and kept == expected


def _results(project) -> list[tuple]:
    """Every query's total and hits, all of them and the first two (found in order from the table of terms)."""
    found = []
    for query in QUERIES:
        for limit in (None, 2):
            result = search.search(project, query, limit=limit)
            found.append((query, limit, result.total, [hit.as_dict() for hit in result.hits]))
    return found


@pytest.fixture
def pair(tmp_path, pg_url):
    with create_project(tmp_path / "study.rapport") as on_file, create_project(pg_url) as on_server:
        assert on_server.is_server
        yield on_file, on_server


def test_a_server_project_searches_as_its_file_twin(pair) -> None:
    on_file, on_server = pair
    for project in pair:
        build(project)
    assert _results(on_server) == _results(on_file)
    assert search.search(on_server, "café").total == 3  # X01, X02 (cafe + a combining accent), a memo


def test_the_index_follows_every_change_in_the_same_transaction(pair) -> None:
    on_file, on_server = pair
    for project in pair:
        build(project)
        change(project)
    assert _results(on_server) == _results(on_file)
    current = _index(on_server)
    assert any(kind == "m" and "ella" in speaker for kind, _, _, speaker in current)
    assert _turn_texts_are_the_turns(on_server)
    report = rebuild_index(on_server)
    assert report.rebuilt and report.indexed_documents == 1
    assert _index(on_server) == current


def test_a_malformed_query_is_refused_on_the_server_too(pg_url) -> None:
    with create_project(pg_url) as project:
        with pytest.raises(SearchError, match="unclosed quote"):
            search.search(project, '"felt')
        assert search.search(project, "trust").total == 0


def test_the_command_line_searches_a_server_project(tmp_path, pg_url) -> None:
    from tests.cli_runner import rapport

    session = tmp_path / "D01_s1_session.txt"
    session.write_text(
        "Therapist: Do you trust her? 😀\nClient: I trusted my mother\nonce. Then I felt judged.\n",
        encoding="utf-8",
    )
    assert rapport("new", pg_url).returncode == 0
    assert rapport("import", pg_url, session, "--dyad", "D01", "--kind", "session").returncode == 0
    data = rapport("search", pg_url, 'trust* OR "mother once"', "--json").json()
    assert data["total"] == 2
    text = rapport("text", pg_url, "D01_s1_session").stdout
    words = sorted(text[s:e] for hit in data["hits"] for s, e in hit["matches"])
    assert words == ["mother\nonce", "trust", "trusted"]
    assert rapport("add-code", pg_url, "Trust").returncode == 0
    args = ("search", pg_url, "trust*", "--code", "Trust", "--coder", "Ana", "--scope", "words", "--json")
    assert rapport(*args).json()["coded"] == 2
    assert rapport(*args).json()["skipped"] == 2
    coded = rapport("codings", pg_url, "--code", "Trust", "--json").json()
    assert sorted(c["text"] for c in coded) == ["trust", "trusted"]
    assert rapport("reindex", pg_url, "--json").json() == {"documents": 1, "memos": 0}
    assert rapport("search", pg_url, "judged", "--json").json()["total"] == 1
    refused = rapport("search", pg_url, '"felt')
    assert refused.returncode == 1 and "unclosed quote" in refused.stderr


@pytest.mark.parametrize(
    "damage",
    ["DROP TABLE search_turns, search_terms", "DROP TABLE search_terms", "DELETE FROM search_turn_texts"],
    ids=["index dropped", "terms dropped", "turn texts lost"],
)
def test_a_damaged_index_asks_for_a_rebuild_and_the_rebuild_mends_it(pg_url, damage: str) -> None:
    with create_project(pg_url) as project:
        import_text(project, name="D", text="Client: trust me\n", meta=DocumentMeta(kind="session"))
        with project.write() as session:
            session.execute(text(damage))
        with pytest.raises(SearchError, match="Rebuild index"):
            search.search(project, "trust")
        rebuild_index(project)
        found = search.search(project, "trust")
        assert found.total == 1 and "trust me" in found.hits[0].text


def test_an_index_made_before_turn_texts_gets_them_on_upgrade(pg_url) -> None:
    """Revision 0010 fills search_turn_texts, and 0012 search_terms, for a server project whose index did not
    keep them."""
    with create_project(pg_url) as project:
        build(project)
        expected = _results(project)
        with project.write() as session:
            session.execute(text("DROP TABLE search_turn_texts"))
            for statement in server_search_terms.drop_statements():  # revision 0012's
                session.execute(text(statement))
            session.execute(text("ALTER TABLE documents DROP COLUMN length"))  # revision 0011's
            session.execute(text("UPDATE alembic_version SET version_num = '0009_document_versions'"))
    assert prepare_server_for_open(pg_url).revision == migrate.head_revision()
    with open_project(pg_url) as project:
        assert _turn_texts_are_the_turns(project)
        assert _rows(project, "SELECT count(*) FROM search_terms")[0][0] > 50
        assert _results(project) == expected
        edit_document_text(project, get_document(project, "X01").id, "Client: trust restored\n")
        assert _turn_texts_are_the_turns(project)
        assert "trust restored" in search.search(project, "restored").hits[0].text


def test_a_coder_rebuilds_the_index_for_the_whole_team(pg_cluster) -> None:
    """The lab's database belongs to a team role; a coder's rebuild leaves an index every coder can write."""
    suffix = uuid.uuid4().hex[:8]
    team, ana, ben = f"team_{suffix}", f"ana_{suffix}", f"ben_{suffix}"
    pg_cluster.sql(
        f"CREATE ROLE {team}; CREATE ROLE {ana} LOGIN IN ROLE {team}; CREATE ROLE {ben} LOGIN IN ROLE {team}"
    )
    database = f"lab_{suffix}"
    pg_cluster.sql(f"CREATE DATABASE {database} OWNER {team}")
    try:
        with create_project(pg_cluster.url(database, ana)) as as_ana:
            import_text(as_ana, name="A", text="Client: trust me\n", meta=DocumentMeta(kind="session"))
        with open_project(pg_cluster.url(database, ben)) as as_ben:
            rebuild_index(as_ben)
            import_text(as_ben, name="B", text="Client: I trust you\n", meta=DocumentMeta(kind="session"))
        with open_project(pg_cluster.url(database, ana)) as as_ana:
            import_text(as_ana, name="C", text="Client: trust again\n", meta=DocumentMeta(kind="session"))
            assert search.search(as_ana, "trust").total == 3
    finally:
        pg_cluster.drop_database(pg_cluster.url(database))


def _all_visible(project) -> bool:
    pages, visible = _rows(
        project, "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'search_terms'"
    )[0]
    return pages > 0 and visible == pages


def test_a_rebuild_leaves_its_terms_to_be_read_from_the_index_alone(pg_url) -> None:
    """The table of terms is searched by index-only scans: the VACUUM after a rebuild must mark its pages
    all-visible, which needs the rebuild's commit flushed (the test cluster does not flush a commit by itself)
    and no session holding a snapshot older than the rebuild (the tidying waits for such snapshots to end)."""
    with create_project(pg_url) as project:
        for name, body in TRICKY:
            import_text(project, name=name, text=body, meta=DocumentMeta(kind="session"))
        rebuild_index(project)
        assert _all_visible(project)
        holder = psycopg.connect(pg_url)
        holder.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        holder.execute("SELECT 1")  # a snapshot (and no lock), held until the commit below
        with project.write() as session:
            search_queries.rebuild_search_index(session, lambda _done, _total: None)
        tidying = threading.Thread(target=upkeep.tidy_search_index, args=(project.engine,))
        tidying.start()
        time.sleep(0.3)
        holder.commit()
        tidying.join()
        holder.close()
        assert _all_visible(project)
