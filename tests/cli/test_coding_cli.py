"""`add-code`, `codes`, `code` and `codings` in-process through the CLI entry function, with the JSON keys of CLI.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import rapport
from tests.server.server_study import new_project
from tests.study import StudyBuilder

TEXT = "Therapist: Welcome back.\nClient: I nearly did not come. 😀 But I did.\n"


def make(path: Path | str) -> Path | str:
    with new_project(path) as project:
        StudyBuilder(project).document("D1 s1", TEXT, dyad="D1", session=1, kind="session")
    return path


@pytest.mark.both_backends
def test_codebook_and_coding_round_trip(project_target: Path | str) -> None:
    path = make(project_target)
    added = rapport("add-code", str(path), "Bond", "--color", "#2e86de", "--definition", "The tie.", "--json")
    assert added.returncode == 0, added.stderr
    bond = json.loads(added.stdout)
    assert set(bond) == {"id", "guid", "name", "parent", "color", "definition", "codings"}
    child = json.loads(rapport("add-code", str(path), "Trust", "--parent", "Bond", "--json").stdout)
    assert child["parent"] == "Bond"

    start = TEXT.index("I nearly did not come. 😀")
    end = start + len("I nearly did not come. 😀")
    coded = rapport("code", str(path), "--document", "D1 s1", "--code", "Bond/Trust", "--start", str(start),
                    "--end", str(end), "--coder", "Ana", "--memo", "ambivalence", "--json")  # fmt: skip
    assert coded.returncode == 0, coded.stderr
    data = json.loads(coded.stdout)
    assert set(data) == {"id", "document", "code", "coder", "start", "end", "text"}
    assert data["text"] == "I nearly did not come. 😀"

    listed = json.loads(rapport("codings", str(path), "--coder", "Ana", "--json").stdout)
    assert [(r["code"], r["text"]) for r in listed] == [("Trust", "I nearly did not come. 😀")]
    codes = json.loads(rapport("codes", str(path), "--json").stdout)
    assert [(c["name"], c["parent"], c["codings"]) for c in codes] == [
        ("Bond", None, 0),
        ("Trust", "Bond", 1),
    ]
    info = json.loads(rapport("info", str(path), "--json").stdout)
    assert info["memos"] == 1 and info["coders"] == 1


@pytest.mark.both_backends
def test_user_errors_are_exit_1_with_one_line(project_target: Path | str) -> None:
    path = make(project_target)
    rapport("add-code", str(path), "Bond")
    cases = [
        ("add-code", str(path), "Bond"),  # duplicate name
        ("add-code", str(path), "X", "--color", "red"),
        ("code", str(path), "--document", "nope", "--code", "Bond", "--start", "0", "--end", "3"),
        ("code", str(path), "--document", "D1 s1", "--code", "Bond", "--start", "5", "--end", "5000"),
        ("codings", str(path), "--code", "Missing"),
    ]
    for args in cases:
        result = rapport(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert rapport("code", str(path), "--document", "D1 s1").returncode == 2


INFO_KEYS = {
    "schema",
    "dyads",
    "participants",
    "sessions",
    "documents",
    "turns",
    "codes",
    "codings",
    "coders",
    "memos",
}


@pytest.mark.both_backends
def test_a_refused_coding_creates_no_coder_and_the_default_coder_is_the_user(
    project_target: Path | str,
) -> None:
    import getpass

    path = make(project_target)
    rapport("add-code", str(path), "Hope")
    refused = rapport("code", str(path), "--document", "D1 s1", "--code", "Hope", "--start", "9", "--end", "3",
                      "--coder", "Newcomer")  # fmt: skip
    assert refused.returncode == 1 and "does not fit" in refused.stderr
    assert json.loads(rapport("info", str(path), "--json").stdout)["coders"] == 0
    done = rapport(
        "code", str(path), "--document", "1", "--code", "Hope", "--start", "0", "--end", "9", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["coder"] == (getpass.getuser() or "default")
    again = rapport(
        "code", str(path), "--document", "1", "--code", "Hope", "--start", "0", "--end", "9", "--json"
    )
    assert json.loads(again.stdout)["id"] == json.loads(done.stdout)["id"], (
        "an identical coding is not doubled"
    )
    by_dyad = json.loads(rapport("codings", str(path), "--dyad", "D1", "--json").stdout)
    assert [set(row) for row in by_dyad] == [
        {"id", "document", "code", "coder", "start", "end", "text", "memos"}
    ]
    assert rapport("codings", str(path), "--dyad", "D9").returncode == 1


def test_demo_prints_the_info_counts_and_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.rapport"
    built = rapport("demo", str(path), "--json")
    assert built.returncode == 0, built.stderr
    counts = json.loads(built.stdout)
    assert set(counts) == INFO_KEYS
    assert (
        counts["dyads"] >= 2
        and counts["documents"] >= 12
        and counts["codings"] >= 80
        and counts["coders"] == 2
    )
    assert json.loads(rapport("info", str(path), "--json").stdout) == counts
    codes = json.loads(rapport("codes", str(path), "--json").stdout)
    assert all(
        set(c) == {"id", "guid", "name", "parent", "color", "definition", "codings", "anchors"} for c in codes
    )
    assert sum(c["codings"] for c in codes) == counts["codings"]
    again = rapport("demo", str(path), "--json")
    assert again.returncode == 1 and again.stdout == "" and len(again.stderr.strip().splitlines()) == 1
    assert rapport("demo").returncode == 2
    text = rapport("demo", str(tmp_path / "plain.rapport"))
    assert text.returncode == 0 and "demo study" in text.stdout
