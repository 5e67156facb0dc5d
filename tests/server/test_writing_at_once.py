"""Several coders write to one server project at the same time: every write lands and the counts add up, one
name given by two coders at once is created once (the other is told clearly), and an action the server rolls
back for a deadlock with another coder's is run again instead of failing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text

from app.domain.errors import InvalidInput, RapportError
from app.services import coding, memos
from app.services.codebook import add_code, list_codes
from app.services.importing import DocumentMeta, import_text
from app.services.project import Project, create_project, info, open_project

CODERS = 4
ACTIONS = 20
LINE = "Client: it was hard to say.\n"


def run_at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs on threads released together; returns each result or the exception it raised."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = jobs[index]()
        except Exception as exc:  # collected for the assertions
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.fixture
def server_project(pg_url):
    with create_project(pg_url) as project:
        meta = DocumentMeta(dyad="D01", session=1, perspective="client", kind="session")
        document = import_text(project, name="D01 s1", text=LINE * ACTIONS, meta=meta).id
        code = add_code(project, "Difficulty").id
        yield pg_url, project, document, code


def test_four_coders_coding_at_once_lose_no_write(server_project) -> None:
    url, project, document, code = server_project

    def coder(number: int) -> int:
        with open_project(url) as mine:
            me = coding.ensure_coder(mine, f"Coder {number}")
            own_code = mine.run_action(lambda: add_code(mine, f"Theme of coder {number}")).id
            for index in range(ACTIONS):
                start = index * len(LINE) + number  # each coder a different span in every line
                spec = coding.CodingSpec(document, code if index % 2 else own_code, start, start + 10)
                mine.run_action(lambda spec=spec: coding.add_codings(mine, [spec], me))
                if index % 5 == 0:
                    mine.run_action(lambda i=index: memos.add_memo(mine, "document", document, text=f"{i}"))
            return me

    results = run_at_once([lambda n=n: coder(n) for n in range(CODERS)])

    assert all(isinstance(r, int) for r in results), results
    facts = info(project)
    assert facts.codings == CODERS * ACTIONS
    assert facts.memos == CODERS * ACTIONS // 5
    assert facts.codes == 1 + CODERS and facts.coders == CODERS
    for coder_id in results:
        assert (
            len([c for c in coding.codings_for_document(project, document) if c.coder_id == coder_id])
            == ACTIONS
        )


def test_one_name_given_by_several_coders_at_once_is_created_once(server_project) -> None:
    url, project, _document, _code = server_project
    projects = [open_project(url) for _ in range(CODERS)]
    try:
        made = run_at_once([lambda p=p: add_code(p, "Humour") for p in projects])
        coders = run_at_once([lambda p=p: coding.ensure_coder(p, "Alex") for p in projects])
    finally:
        for opened in projects:
            opened.close()

    refused = [r for r in made if isinstance(r, InvalidInput)]
    assert len(refused) == CODERS - 1
    assert all("A code called 'Humour' already exists" in str(r) for r in refused)
    assert [c.name for c in list_codes(project)].count("Humour") == 1
    assert len(set(coders)) == 1 and isinstance(coders[0], int)  # one coder called Alex, the same id for all


def test_an_action_rolled_back_for_a_deadlock_runs_again(server_project) -> None:
    url, project, document, _code = server_project
    other = import_text(
        project, name="D01 s2", text=LINE, meta=DocumentMeta(dyad="D01", session=2, kind="session")
    ).id
    both_hold_one = threading.Barrier(2)
    attempts: list[str] = []

    def action(mine: Project, first: int, second: int, name: str) -> None:
        """Touch two documents in an order opposite to the other coder's: PostgreSQL aborts one of the two."""
        attempts.append(name)
        with mine.write() as session:
            touch = text("UPDATE documents SET source_name = :name WHERE id = :id")
            session.execute(touch, {"name": name, "id": first})
            if attempts.count(name) == 1:
                both_hold_one.wait(30)  # each holds its first row: the next statements wait for each other
            session.execute(touch, {"name": name, "id": second})

    with open_project(url) as ana, open_project(url) as ben:
        results = run_at_once(
            [
                lambda: ana.run_action(lambda: action(ana, document, other, "ana")),
                lambda: ben.run_action(lambda: action(ben, other, document, "ben")),
            ]
        )

    assert results == [None, None]  # both actions landed; nobody was told to try again
    # The deadlock's victim ran again (under load the server may also abort the retry's first wait once more).
    assert len(attempts) >= 3 and {"ana", "ben"} == set(attempts)


def test_a_new_dyad_imported_by_several_coders_at_once(server_project) -> None:
    """Each import creates its dyad unless it exists: all but one find the name taken at commit. Through a user
    action they run again and use it; a bare service call (the CLI) is told clearly, never with a traceback."""
    url, project, _document, _code = server_project
    projects = [open_project(url) for _ in range(CODERS)]

    def importing(number: int, opened: Project, dyad: str, through_action: bool):
        meta = DocumentMeta(dyad=dyad, session=1, perspective="client", kind="session")
        work = lambda: import_text(opened, name=f"{dyad} coder {number}", text=LINE, meta=meta)  # noqa: E731
        return opened.run_action(work) if through_action else work()

    try:
        in_actions = run_at_once(
            [lambda n=n, p=p: importing(n, p, "D09", True) for n, p in enumerate(projects)]
        )
        bare = run_at_once([lambda n=n, p=p: importing(n, p, "D10", False) for n, p in enumerate(projects)])
    finally:
        for opened in projects:
            opened.close()

    assert not [r for r in in_actions if isinstance(r, Exception)], in_actions
    told = [r for r in bare if isinstance(r, Exception)]
    assert all(isinstance(r, RapportError) for r in told), told
    assert all("Another coder added the same dyad at the same moment" in str(r) for r in told)
    facts = info(project)
    assert facts.dyads == 3  # D01, D09 and D10, once each
    assert facts.documents == 1 + CODERS + (CODERS - len(told))
