"""The printable DOCX codebook, the codebook CSV (out and back in), and the coded-excerpts reports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from app.domain.errors import ImportFailed, InvalidInput
from app.formats.codebook_csv import COLUMNS
from app.services import anchors, coding, exchange, reports
from app.services.project import create_project
from app.storage import models as m
from tests.study_presets import exchange_study, row_counts


def paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def test_docx_codebook_has_title_contents_and_every_field(project, tmp_path: Path) -> None:
    exchange_study(project)
    path = exchange.export_codebook_docx(project, tmp_path / "codebook.docx", title="Alliance codebook")
    found = paragraphs(path)
    texts = [t for _, t in found]
    assert found[0] == ("Title", "Alliance codebook")
    contents = texts.index("Contents")
    assert found[contents][0] == "Heading 1"
    # contents by hierarchy: children indented under their parent, in tree order, with counts
    assert [t for t in texts[contents + 1 : contents + 5]] == [
        "■ Alliance  (0)",
        "■ Trust  (1)",
        "■ Rupture  (3)",
        "■ Other  (0)",
    ]
    document = docx.Document(str(path))
    indents = [p.paragraph_format.left_indent or 0 for p in document.paragraphs[contents + 1 : contents + 5]]
    assert indents[0] == indents[3] == 0 and indents[1] == indents[2] > 0
    headings = [(s, t) for s, t in found if s.startswith("Heading") and t != "Contents"]
    assert headings == [
        ("Heading 1", "Alliance"),
        ("Heading 2", "Trust"),
        ("Heading 2", "Rupture"),
        ("Heading 1", "Other"),
    ]
    trust = texts.index("Trust", contents + 5)
    section = texts[trust : texts.index("Rupture", trust)]
    assert "Colour: ██████ #66ccee" in section
    assert "Definition: The client voices confidence in the therapist.\nSecond line." in section
    assert "Inclusion criteria: Explicit statements of trust." in section
    assert any(t.startswith("Exclusion criteria: Politeness alone.") for t in section)
    assert 'Example: "I started to trust her"' in section
    assert "Applied: 1 coding in 1 document" in section
    assert "“I started to trust her 🙂 a bit”" in section
    assert any("D01 recall client" in t and "speaker Client" in t and "coded by Alice" in t for t in section)
    # the colour swatch really is in the code's colour
    swatch = next(
        r
        for p in document.paragraphs
        if p.text.startswith("Colour: ██████ #66ccee")
        for r in p.runs
        if "█" in r.text
    )
    assert str(swatch.font.color.rgb) == "66CCEE"


def test_docx_codebook_anchor_excerpts_chosen_by_the_analyst(project, tmp_path: Path) -> None:
    ids = exchange_study(project)
    with project.read() as s:
        rupture_codings = s.scalars(
            select(m.Coding).where(m.Coding.code_id == ids.codes["rupture"]).order_by(m.Coding.id)
        ).all()
        chosen = rupture_codings[0].id  # "I felt you didn't get me last time." (not the first in the text)
    texts = [
        t
        for _, t in paragraphs(exchange.export_codebook_docx(project, tmp_path / "a.docx", anchors=[chosen]))
    ]
    rupture = texts.index("Rupture", texts.index("Contents") + 5)
    section = texts[rupture : texts.index("Other", rupture)]
    quotes = [t for t in section if t.startswith("“")]
    assert quotes == ["“I felt you didn't get me last time.”"]
    assert "Anchor excerpts" in section and "Examples" not in section
    default = [t for _, t in paragraphs(exchange.export_codebook_docx(project, tmp_path / "b.docx"))]
    start = default.index("Rupture", default.index("Contents") + 5)
    section = default[start : default.index("Other", start)]
    quotes = [t for t in section if t.startswith("“")]
    # none chosen: the first codings are printed as examples, a passage two coders coded once
    assert quotes == ["“it was hard”", "“I felt you didn't get me last time.”"]
    assert "Examples" in section and "Anchor excerpts" not in section


def test_anchor_excerpts_chosen_in_the_project_are_used_and_limited_to_three(project, tmp_path: Path) -> None:
    ids = exchange_study(project)
    with project.read() as s:
        rupture_codings = s.scalars(
            select(m.Coding).where(m.Coding.code_id == ids.codes["rupture"]).order_by(m.Coding.id)
        ).all()
        chosen, others = rupture_codings[0].id, [c.id for c in s.scalars(select(m.Coding)).all()]
    assert anchors.set_anchor(project, chosen, True) is False
    texts = [t for _, t in paragraphs(exchange.export_codebook_docx(project, tmp_path / "a.docx"))]
    rupture = texts.index("Rupture", texts.index("Contents") + 5)
    quotes = [t for t in texts[rupture : texts.index("Other", rupture)] if t.startswith("“")]
    assert quotes == ["“I felt you didn't get me last time.”"]  # the stored choice, with no option given
    assert anchors.anchor_ids(project) == {chosen}
    for other in rupture_codings[1:]:  # the code's two other codings: three anchors in all
        anchors.set_anchor(project, other.id, True)
    [fourth] = coding.add_codings(
        project, [coding.CodingSpec(ids.documents["session_doc"], ids.codes["rupture"], 0, 5)], ids.coders["alice"]
    )
    with pytest.raises(InvalidInput, match="Rupture already has 3 anchor excerpts"):
        anchors.set_anchor(project, fourth.id, True)
    assert anchors.set_anchor(project, chosen, False) is True
    anchors.set_anchor(project, fourth.id, True)  # with one dropped, another may be chosen
    assert chosen not in anchors.anchor_ids(project) and fourth.id in anchors.anchor_ids(project)
    assert len(others) == 4


def test_codebook_csv_round_trip_and_merge(project, tmp_path: Path) -> None:
    exchange_study(project)
    path = exchange.export_codebook_csv(project, tmp_path / "codebook.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["path"] for r in rows] == ["Alliance", "Alliance/Trust", "Alliance/Rupture", "Other"]
    assert rows[1]["exclusion"] == "Politeness alone.\n\nExample:\nnot a heading"
    with create_project(tmp_path / "other.rapport") as other:
        report = exchange.import_codebook_csv(other, path)
        assert len(report.added) == 4
        with other.read() as s:
            trust = s.scalars(select(m.Code).where(m.Code.name == "Trust")).one()
            parent = s.get(m.Code, trust.parent_id)
        assert (parent.name, trust.color, trust.example, trust.guid) == (
            "Alliance",
            "#66ccee",
            '"I started to trust her"',
            rows[1]["guid"],
        )
    # edited in a spreadsheet: semicolons, a new child under a new parent, a changed definition, no GUIDs
    edited = "path;definition;color\r\nAlliance/Trust;New wording.;\r\nFamily/Siblings;Mentions of siblings.;#123456\r\n"
    (tmp_path / "edited.csv").write_text(edited, encoding="cp1252")
    report = exchange.import_codebook_csv(project, tmp_path / "edited.csv")
    assert (report.added, report.updated) == (["Family", "Family/Siblings"], ["Alliance/Trust"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,color\nTrust,blue\n", "not a colour"),
        ("colour,definition\n#fff,x\n", "no 'path' or 'name' column"),
        ("path,guid\nTrust,not-a-guid\n", "not a GUID"),
    ],
)
def test_bad_codebook_csv_is_refused_and_changes_nothing(
    project, tmp_path: Path, content: str, message: str
) -> None:
    exchange_study(project)
    before = row_counts(project)
    (tmp_path / "bad.csv").write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message):
        exchange.import_codebook_csv(project, tmp_path / "bad.csv")
    assert row_counts(project) == before


def test_excerpts_docx_groups_by_code_dyad_and_perspective(project, tmp_path: Path) -> None:
    exchange_study(project)
    found = paragraphs(reports.export_excerpts_docx(project, tmp_path / "excerpts.docx"))
    structure = [(s, t) for s, t in found if s.startswith("Heading")]
    assert structure == [
        ("Heading 1", "■ Alliance/Rupture (3)"),
        ("Heading 2", "Dyad D01"),
        ("Heading 3", "Client"),
        ("Heading 1", "■ Alliance/Trust (1)"),
        ("Heading 2", "Dyad D01"),
        ("Heading 3", "Client"),
    ]
    texts = [t for _, t in found]
    assert "Session 1 · D01 session 1 · Speaker: Client · Coder: Alice" in texts
    assert (
        texts[texts.index("Session 1 · D01 recall client · Speaker: Client · Coder: Alice") + 1]
        == "I started to trust her 🙂 a bit"
    )
    only_bob = [
        t for _, t in paragraphs(reports.export_excerpts_docx(project, tmp_path / "bob.docx", coder="Bob"))
    ]
    assert sum(t.endswith("Coder: Bob") for t in only_bob) == 1 and not any(
        t.endswith("Coder: Alice") for t in only_bob
    )


def test_codings_csv_has_one_row_a_coding_with_exact_text(project, tmp_path: Path) -> None:
    exchange_study(project)
    path = reports.export_codings_csv(project, tmp_path / "codings.csv", codes=["Alliance/Trust"])
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (
        row["code"],
        row["coder"],
        row["dyad"],
        row["perspective"],
        row["kind"],
        row["session"],
        row["speaker"],
    ) == ("Alliance/Trust", "Alice", "D01", "client", "recall", "1", "Client")
    with project.read() as s:
        text = s.scalars(select(m.Document.text).where(m.Document.name == row["document"])).one()
    assert text[int(row["start"]) : int(row["end"])] == row["text"] == "I started to trust her 🙂 a bit"
    everything = list(
        csv.DictReader(
            io.StringIO(
                (reports.export_codings_csv(project, tmp_path / "all.csv")).read_bytes().decode("utf-8-sig")
            )
        )
    )
    assert len(everything) == 4
