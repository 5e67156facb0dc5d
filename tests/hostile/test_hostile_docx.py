"""Word files built to exhaust memory or hide text are refused with one line; the project is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.errors import UnsafeFile
from app.formats.detect import parse_bytes
from tests.cli_runner import rapport
from tests.hostile.conftest import snapshot
from tests.hostile.docx_files import element_flood, empty_paragraph_bomb, entity_docx, real_docx


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.rapport"
    assert rapport("new", path).returncode == 0
    return path


@pytest.mark.parametrize(
    ("maker", "reason"),
    [
        (empty_paragraph_bomb, "expands"),
        (element_flood, "XML elements"),
        (entity_docx, "DTD or entities"),
    ],
)
def test_hostile_docx_is_refused_in_one_line(study: Path, tmp_path: Path, maker, reason: str) -> None:
    hostile = tmp_path / "session.docx"
    hostile.write_bytes(maker())
    before = snapshot(study)
    result = rapport("import", study, hostile)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert reason in result.stderr and "session.docx" in result.stderr
    assert snapshot(study) == before


def test_the_bomb_is_small_on_disk_and_refused_before_parsing() -> None:
    bomb = empty_paragraph_bomb()
    assert len(bomb) < 200_000
    with pytest.raises(UnsafeFile, match="expands"):
        parse_bytes(bomb, "bomb.docx")


def test_an_ordinary_long_transcript_still_imports() -> None:
    turns = [f"{'Therapist' if i % 2 else 'Client'}: sentence number {i} of a long session." for i in range(5000)]
    loaded = parse_bytes(real_docx(*turns), "long.docx")
    assert len(loaded.parsed.turns) == 5000
