"""`memos`, `codings` with their memos and `codes` with their anchors, as CLI.md "Contracts added later" says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import rapport
from tests.server.server_study import new_project
from tests.study import StudyBuilder

TEXT = "Therapist: Welcome back.\nClient: I nearly did not come. 😀 But I did.\n"


pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


def make(path: Path | str) -> tuple[Path | str, int]:
    with new_project(path) as project:
        built = (
            StudyBuilder(project)
            .document("D1 s1", TEXT, dyad="D1", session=1)
            .document("D1 s2", "Client: Fine.\n", dyad="D1")
            .memo("project", text="Whole study")
            .memo("document", "D1 s2", text="Short session")
            .memo("document", "D1 s1", phrase="😀", text="The emoji")
            .study
        )
    return path, built.documents["D1 s1"]


def test_memos_lists_every_target_with_its_document_and_range(project_target: Path | str) -> None:
    path, _ = make(project_target)
    start = TEXT.index("I nearly")
    coded = rapport("code", str(path), "--document", "D1 s1", "--code", "1", "--start", str(start),
                    "--end", str(start + 8), "--coder", "Ana", "--memo", "ambivalence", "--json")  # fmt: skip
    assert coded.returncode == 1  # no code 1 yet: nothing is written
    rapport("add-code", str(path), "Bond", "--json").json()
    coding = rapport("code", str(path), "--document", "D1 s1", "--code", "Bond", "--start", str(start),
                     "--end", str(start + 8), "--coder", "Ana", "--memo", "ambivalence", "--json").json()  # fmt: skip
    listed = rapport("memos", str(path), "--json").json()
    assert all(set(row) == {"id", "text", "target", "document", "start", "end"} for row in listed)
    emoji = TEXT.index("😀")
    assert [(r["text"], r["target"], r["document"], r["start"], r["end"]) for r in listed] == [
        ("Whole study", "project", None, None, None),
        ("Short session", "document", "D1 s2", None, None),
        ("The emoji", "document", "D1 s1", emoji, emoji + 1),
        ("ambivalence", "coding", "D1 s1", None, None),
    ]
    one = rapport("memos", str(path), "--document", "D1 s1", "--json").json()
    assert [r["text"] for r in one] == ["The emoji", "ambivalence"]
    codings = rapport("codings", str(path), "--json").json()
    assert [(c["id"], c["memos"]) for c in codings] == [(coding["id"], ["ambivalence"])]
    text = rapport("memos", str(path))
    assert text.returncode == 0 and "document D1 s1 [" in text.stdout


def test_unknown_document_is_one_line_and_exit_1(project_target: Path | str) -> None:
    path, _ = make(project_target)
    result = rapport("memos", str(path), "--document", "nope", "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_codes_list_their_anchor_excerpts(project_target: Path | str) -> None:
    path, _ = make(project_target)
    rapport("add-code", str(path), "Bond", "--json").json()
    ids = [
        rapport("code", str(path), "--document", "D1 s1", "--code", "Bond", "--start", str(s), "--end",
                str(s + 4), "--coder", "Ana", "--json").json()["id"]
        for s in (0, 11, 26)
    ]  # fmt: skip
    for chosen in (ids[2], ids[0]):
        assert rapport("anchor", str(path), str(chosen)).returncode == 0
    codes = rapport("codes", str(path), "--json").json()
    assert [(c["name"], c["anchors"]) for c in codes] == [("Bond", [ids[0], ids[2]])]
    codings = rapport("codings", str(path), "--json").json()
    assert all(c["memos"] == [] for c in codings)
