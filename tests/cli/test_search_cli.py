"""`rapport search`: the JSON shape of CLI.md, offsets into `rapport text`, exit codes."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from tests.cli_runner import CliResult, rapport
from tests.study_templates import project_file


def as_json(result: CliResult):
    return result.json()


SESSION = (
    "[00:00:01] Therapist: Do you trust her? 😀\n"
    "[00:00:04] Client: I trusted my mother\n"
    "once. Then I felt judged.\n"
)
RECALL = "Researcher: [video 00:00:04] What happened?\nClient: I felt I could trust him.\n"


def make_study(path: Path) -> None:
    """A new project at `path` with the session (D01) and the recall (D02) imported through the CLI."""
    assert rapport("new", path).returncode == 0
    session = path.parent / "D01_s1_session.txt"
    session.write_text(SESSION, encoding="utf-8")
    recall = path.parent / "D02_s1_client_recall.txt"
    recall.write_text(RECALL, encoding="utf-8")
    assert (
        rapport(
            "import", path, session, "--dyad", "D01", "--perspective", "client", "--kind", "session"
        ).returncode
        == 0
    )
    assert (
        rapport(
            "import", path, recall, "--dyad", "D02", "--perspective", "client", "--kind", "recall"
        ).returncode
        == 0
    )


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return project_file(tmp_path / "study.rapport", make_study)


def document_text(path: Path, name: str) -> str:
    result = rapport("text", path, name)
    assert result.returncode == 0
    return result.stdout


def test_search_prints_exactly_the_contract(study: Path) -> None:
    data = as_json(rapport("search", study, 'trust* OR "mother once"', "--json"))
    assert set(data) == {"total", "hits"}
    assert data["total"] == 3
    for hit in data["hits"]:
        assert set(hit) == {"document", "start", "end", "speaker", "snippet", "matches"}
    texts = {name: document_text(study, name) for name in {hit["document"] for hit in data["hits"]}}
    words = [texts[hit["document"]][s:e] for hit in data["hits"] for s, e in hit["matches"]]
    assert sorted(words) == ["mother\nonce", "trust", "trust", "trusted"]
    first = data["hits"][0]
    assert first["speaker"] == "Therapist"
    assert texts[first["document"]][first["start"] : first["end"]].startswith("[00:00:01] Therapist:")


def test_filters_limit_and_kind(study: Path) -> None:
    only_recall = as_json(rapport("search", study, "trust", "--dyad", "D02", "--json"))
    assert only_recall["total"] == 1 and only_recall["hits"][0]["document"].startswith("D02")
    assert as_json(rapport("search", study, "trust", "--kind", "recall", "--json"))["total"] == 1
    assert as_json(rapport("search", study, "trust", "--perspective", "therapist", "--json"))["total"] == 0
    limited = as_json(rapport("search", study, "trust*", "--limit", "1", "--json"))
    assert limited["total"] == 3 and len(limited["hits"]) == 1
    assert as_json(rapport("search", study, "speaker:client", "--json"))["total"] == 2


def test_no_match_is_an_empty_list(study: Path) -> None:
    assert as_json(rapport("search", study, "zebra", "--json")) == {"total": 0, "hits": []}


def test_readable_output(study: Path) -> None:
    result = rapport("search", study, "judged")
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("1 hit\n") and "felt judged" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (['"trust'], "unclosed quote"),
        (["trust AND"], "on its right"),
        (["who:client"], "unknown field"),
        (["trust", "--dyad", "D99"], "no dyad"),
    ],
)
def test_user_errors_exit_1_with_one_line(study: Path, args: list[str], message: str) -> None:
    result = rapport("search", study, *args, "--json")
    assert result.returncode == 1
    err = result.stderr
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert result.stdout == ""


def test_wrong_usage_exits_2(study: Path) -> None:
    assert rapport("search", study, "trust", "--limit", "0").returncode == 2
    assert rapport("search", study, "trust", "--perspective", "mother").returncode == 2


def damage(path: Path, where: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute(f"UPDATE search_turns_data SET block = x'00ff00ff00ff' WHERE {where}")


def test_a_damaged_index_is_one_line_then_reindex_repairs_it(study: Path) -> None:
    damage(study, "id > 10")  # the index's segments (FTS5's own records, ids 1 and 10, still readable)
    result = rapport("search", study, "trust*", "--json")
    assert result.returncode == 1 and "search index of this project is damaged" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert as_json(rapport("reindex", study, "--json")) == {"documents": 2, "memos": 0}
    assert as_json(rapport("search", study, "trust*", "--json"))["total"] == 3


def test_an_index_too_damaged_to_rebuild_points_to_the_backups(study: Path) -> None:
    damage(study, "id > 1")  # FTS5 cannot open the table any more, not even to drop it
    result = rapport("reindex", study)
    assert result.returncode == 1 and "Restore from backup" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert rapport("text", study, "D01_s1_session").returncode == 0  # the transcripts are intact
