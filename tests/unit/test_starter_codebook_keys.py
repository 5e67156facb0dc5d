"""The starter codebook (and so the demo study) comes with keys 1-9 on the codes used most."""

from __future__ import annotations

from app.services import codebook


def test_the_starter_codebook_gives_nine_codes_their_keys(project) -> None:
    codebook.load_starter_codebook(project)
    keyed = {c.shortcut: c.path for c in codebook.list_codes(project) if c.shortcut}
    assert sorted(keyed) == list(range(1, 10))
    assert keyed[1] == "Bond/Trust"


def test_loading_it_into_a_project_keeps_the_keys_already_given(project) -> None:
    mine = codebook.add_code(project, "My own theme")
    codebook.update_code(project, mine.id, shortcut=1)
    codebook.load_starter_codebook(project)
    keyed = {c.shortcut: c.path for c in codebook.list_codes(project) if c.shortcut}
    assert keyed[1] == "My own theme"
    assert "Bond/Trust" not in keyed.values()
    assert len(keyed) == 9
