"""`rapport search --code`: every hit coded once, the counts printed, a second run adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import rapport
from tests.study_templates import project_file

SESSION = (
    "[00:00:01] Therapist: Do you trust her?\n"
    "[00:00:04] Client: I trusted my mother once. Then I felt judged.\n"
)


def make_study(path: Path) -> None:
    """A new project at `path` with the session imported and the code Trust added through the CLI."""
    assert rapport("new", path).returncode == 0
    transcript = path.parent / "D01_s1_session.txt"
    transcript.write_text(SESSION, encoding="utf-8")
    imported = rapport(
        "import", path, transcript, "--dyad", "D01", "--perspective", "client", "--kind", "session"
    )
    assert imported.returncode == 0, imported.stderr
    assert rapport("add-code", path, "Trust").returncode == 0


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return project_file(tmp_path / "study.rapport", make_study)


def test_code_every_hit_then_a_second_run_adds_nothing(study: Path) -> None:
    args = ("search", study, "trust*", "--code", "Trust", "--coder", "Ana", "--scope", "sentence", "--json")
    first = rapport(*args).json()
    assert first == {"total": 2, "coded": 2, "extended": 0, "skipped": 0, "code": "Trust", "coder": "Ana",
                     "scope": "sentence"}  # fmt: skip
    second = rapport(*args).json()
    assert (second["coded"], second["extended"], second["skipped"]) == (0, 0, 2)
    texts = [c["text"] for c in rapport("codings", study, "--code", "Trust", "--json").json()]
    assert sorted(texts) == ["Do you trust her?", "I trusted my mother once."]


def test_words_scope_and_the_readable_summary(study: Path) -> None:
    done = rapport("search", study, "judged", "--code", "Trust", "--coder", "Ana", "--scope", "words")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 hit. Coded 1 passage with Trust."
    [coded] = rapport("codings", study, "--json").json()
    assert coded["text"] == "judged"
    again = rapport("search", study, "judged", "--code", "Trust", "--coder", "Ana", "--scope", "words")
    assert again.stdout.strip() == "1 hit. Coded 0 passages with Trust; 1 passage already coded was skipped."


def test_mistakes_exit_with_one_line_and_change_nothing(study: Path) -> None:
    unknown = rapport("search", study, "trust", "--code", "Nope", "--coder", "Ana")
    assert unknown.returncode == 1 and len(unknown.stderr.strip().splitlines()) == 1
    assert "Traceback" not in unknown.stderr
    assert rapport("info", study, "--json").json()["coders"] == 0
    assert rapport("search", study, "trust", "--code", "Trust").returncode == 2  # who codes?
    assert rapport("search", study, "trust", "--coder", "Ana").returncode == 2
    assert (
        rapport("search", study, "trust", "--code", "Trust", "--coder", "Ana", "--scope", "page").returncode
        == 2
    )
    assert rapport("info", study, "--json").json()["codings"] == 0
