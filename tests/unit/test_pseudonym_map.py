"""Pseudonymising with the map kept apart: the project holds only pseudonyms; the map is an encrypted file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.errors import WrongPassphrase
from app.services import audit
from app.services.project import create_project, open_project
from app.services.pseudonymise import PseudonymRule, pseudonymise, view_map
from tests.cli_runner import rapport
from tests.study import StudyBuilder

TEXT = "Client: Wilhelmina said Bartholomew never calls.\nTherapist: And Wilhelmina?\n"


def make(tmp_path: Path) -> Path:
    path = tmp_path / "s.rapport"
    with create_project(path) as project:
        StudyBuilder(project).document("D1 session", TEXT, dyad="D1", kind="session")
    return path


def test_the_map_kept_apart_is_encrypted_and_the_project_forgets_the_names(tmp_path: Path) -> None:
    path = make(tmp_path)
    map_file = tmp_path / "keys" / "names.rapportmap"
    map_file.parent.mkdir()
    rules = [PseudonymRule("Wilhelmina", "P07"), PseudonymRule("Bartholomew", "P08")]
    with open_project(path) as project:
        outcome = pseudonymise(project, rules, map_file=map_file, map_passphrase="map passphrase")
        assert len(outcome.replacements) == 3
    data = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("s.rapport-*"))
    assert b"Wilhelmina" not in data and b"Bartholomew" not in data
    assert b"Wilhelmina" not in map_file.read_bytes()
    with open_project(path) as project:
        rows = view_map(map_file, "map passphrase", project)
        assert {(r["real"], r["pseudonym"], r["occurrences"]) for r in rows} == {
            ("Wilhelmina", "P07", 2),
            ("Bartholomew", "P08", 1),
        }
        assert [e.action for e in audit.entries(project)][-2:] == ["pseudonymise", "view-pseudonym-map"]
        with pytest.raises(WrongPassphrase):
            view_map(map_file, "not the passphrase")


def test_cli_map_out_and_pseudonym_map(tmp_path: Path, monkeypatch) -> None:
    path = make(tmp_path)
    names = tmp_path / "names.csv"
    names.write_text("real,pseudonym\nWilhelmina,P07\n", encoding="utf-8")
    map_file = tmp_path / "names.rapportmap"
    missing = rapport("pseudonymise", path, "--map", names, "--map-out", map_file)
    assert missing.returncode == 1 and "RAPPORT_MAP_PASSPHRASE" in missing.stderr
    monkeypatch.setenv("RAPPORT_MAP_PASSPHRASE", "map passphrase")
    done = rapport("pseudonymise", path, "--map", names, "--map-out", map_file, "--json").json()
    assert len(done["replacements"]) == 2 and "original" not in done["replacements"][0]
    shown = rapport("pseudonym-map", map_file, "--project", path, "--json").json()
    assert shown == [{"real": "Wilhelmina", "pseudonym": "P07", "document": "D1 session", "occurrences": 2}]
    history = rapport("history", path, "D1 session").stdout
    assert "Wilhelmina" not in history and "P07" in history
