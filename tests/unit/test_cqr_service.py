"""The CQR workbench's services on a real project file: cross-analysis groups, rules, core ideas, auditing,
and the DOCX/CSV exports (read back with python-docx)."""

from __future__ import annotations

import csv

import docx
import pytest

from app.domain.cqr import GENERAL, TYPICAL, VARIANT, LabelRules
from app.domain.errors import InvalidInput, NotFound
from app.services import cqr, cqr_audit, cqr_report
from app.services.coding import delete_codings
from tests.study_presets import cqr_study

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


@pytest.fixture
def study(project):
    return cqr_study(project)


def cells(result, code: str) -> dict[str, tuple[int, str | None]]:
    category = next(c for c in result.categories if c.name == code)
    return {g.name: (result.cell(category.id, g.name).cases_with, result.cell(category.id, g.name).label)
            for g in result.groups}  # fmt: skip


def test_all_cases_are_the_dyads(project, study) -> None:
    result = cqr.cross_analysis(project)
    assert [(g.name, len(g.cases)) for g in result.groups] == [("all", 6)]
    assert cells(result, "Bond") == {"all": (4, TYPICAL)}
    assert cells(result, "Trust") == {"all": (3, VARIANT)}
    assert cells(result, "Empathy") == {"all": (2, VARIANT)}  # D1's only in its session transcript
    assert cells(result, "Withdrawal") == {"all": (3, VARIANT)}
    assert cells(result, "Competence") == {"all": (1, None)}


def test_by_perspective_a_missing_recall_is_no_case(project, study) -> None:
    result = cqr.cross_analysis(project, "perspective")
    assert [(g.name, len(g.cases)) for g in result.groups] == [("client", 6), ("therapist", 5)]
    assert cells(result, "Trust") == {"client": (3, VARIANT), "therapist": (2, VARIANT)}
    assert cells(result, "Withdrawal") == {"client": (3, VARIANT), "therapist": (3, TYPICAL)}
    assert cells(result, "Empathy") == {"client": (1, None), "therapist": (0, None)}
    only_ana = cqr.cross_analysis(project, "perspective", coders=["Ana"])
    assert cells(only_ana, "Trust")["therapist"] == (1, None)


def test_by_outcome_marks_differences(project, study) -> None:
    result = cqr.cross_analysis(project, "Outcome")  # attribute names are matched case-insensitively
    assert result.by == "outcome"
    assert cells(result, "Trust") == {"good": (3, GENERAL), "poor": (0, None)}
    assert cells(result, "Withdrawal") == {"good": (0, None), "poor": (3, GENERAL)}
    assert result.marked(study.codes["Trust"]) and result.marked(study.codes["Bond"])
    assert not result.marked(study.codes["Competence"])
    with pytest.raises(NotFound, match="perspective, outcome"):
        cqr.cross_analysis(project, "setting")
    assert cqr.groupings(project) == ["perspective", "outcome"]


def test_rules_are_kept_per_project(project, study) -> None:
    assert cqr.get_settings(project) == cqr.Settings()
    strict = cqr.Settings(LabelRules(general_all_but=0, difference_levels=3), "perspective")
    previous = cqr.set_settings(project, strict)
    assert previous == cqr.Settings()
    assert cqr.get_settings(project) == strict
    result = cqr.cross_analysis(project, "outcome")
    assert cells(result, "Trust")["good"] == (3, GENERAL)
    assert result.marked(study.codes["Rupture"])  # none vs general: 4 levels apart
    assert not result.marked(study.codes["Empathy"])  # none (0) vs none (1)
    with pytest.raises(InvalidInput):
        cqr.set_settings(project, cqr.Settings(case_unit="session"))


def test_core_ideas_grid_with_empty_cells_and_undo(project, study) -> None:
    grid = cqr.core_idea_grid(project)
    assert [c.label for c in grid.cases] == ["D1", "D2", "D3", "D4", "D5", "D6"]
    assert [d.name for d in grid.domains] == ["Bond", "Rupture", "Competence"]
    assert all(grid.idea(case, d.id) is None for case in grid.cases for d in grid.domains)
    by_perspective = cqr.core_idea_grid(project, "perspective")
    assert "D3 therapist" not in [c.label for c in by_perspective.cases] and len(by_perspective.cases) == 11

    trust = study.codings[("D1", "client", "Trust")]
    before = cqr.save_core_idea(project, "D1", "client", "Bond", "  Trusts her early.  ", [trust], "Ana")
    assert before.text is None
    grid = cqr.core_idea_grid(project, "perspective")
    case = next(c for c in grid.cases if c.label == "D1 client")
    idea = grid.idea(case, study.codes["Bond"])
    assert (idea.text, idea.author, idea.excerpts) == ("Trusts her early.", "Ana", (trust,))
    assert grid.as_json() == [{"dyad": "D1", "perspective": "client", "domain": "Bond",
                               "text": "Trusts her early.", "author": "Ana", "excerpts": [trust]}]  # fmt: skip
    excerpts = cqr.case_excerpts(project, case, study.codes["Bond"])
    assert [(e.coding_id, e.text) for e in excerpts] == [(trust, "trust")]

    second = cqr.save_core_idea(project, "D1", "client", "Bond", "Trust grows.", [])
    assert second.text == "Trusts her early." and second.excerpts == (trust,)
    cqr.restore_core_idea(project, second)
    assert (
        cqr.core_idea_grid(project, "perspective").idea(case, study.codes["Bond"]).text == "Trusts her early."
    )
    cqr.restore_core_idea(project, before)
    assert cqr.core_idea_grid(project, "perspective").ideas == {}

    with pytest.raises(InvalidInput, match="category"):
        cqr.save_core_idea(project, "D1", None, "Bond/Trust", "x")
    with pytest.raises(NotFound):
        cqr.save_core_idea(project, "D1", None, "Bond", "x", [99999])


def test_audit_comments_answers_and_trail(project, study) -> None:
    cqr.save_core_idea(project, "D2", None, "Bond", "Trust without warmth.")
    idea = next(iter(cqr.core_idea_grid(project, "dyad").ideas.values()))
    on_domain = cqr_audit.add_comment(project, "domain", study.codes["Bond"], "Split Bond?", "Clara")
    on_idea = cqr_audit.add_comment(project, "core_idea", idea.id, "Too abstract.", "Clara")
    coding = study.codings[("D4", "client", "Empathy")]
    on_coding = cqr_audit.add_comment(project, "coding", coding, "Is this empathy?", "Clara")
    with pytest.raises(InvalidInput, match="not a category"):
        cqr_audit.add_comment(project, "category", study.codes["Bond"], "x")
    with pytest.raises(InvalidInput, match="reason"):
        cqr_audit.answer_comment(project, on_domain, "kept")
    cqr_audit.answer_comment(project, on_domain, "kept", "Bond is one domain in Bordin's model.", "Ana")
    answer = cqr_audit.answer_comment(project, on_idea, "changed", "Rewritten.")
    comments = {c.id: c for c in cqr_audit.list_comments(project)}
    assert [comments[i].status for i in (on_domain, on_idea, on_coding)] == ["kept", "changed", "open"]
    assert comments[on_idea].about == "core idea of D2 in Bond"
    assert comments[on_coding].about.startswith(f"coding {coding} (Empathy) in D4 client")
    cqr_audit.delete_answer(project, answer)
    assert {c.id: c.status for c in cqr_audit.list_comments(project)}[on_idea] == "open"

    delete_codings(project, [coding])  # the target goes; the trail keeps what it was about
    kept = {c.id: c for c in cqr_audit.list_comments(project)}[on_coding]
    assert kept.target_id is None and "Empathy" in kept.about
    assert cqr_audit.trail_json(cqr_audit.list_comments(project))[0]["answers"][0]["decision"] == "kept"


def test_exports_docx_and_csv(project, study, tmp_path) -> None:
    result = cqr.cross_analysis(project, "outcome")
    cqr_report.write_cross_analysis(result, tmp_path / "cross.docx")
    table = docx.Document(str(tmp_path / "cross.docx")).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Domain / category", "good (n = 3)", "poor (n = 3)"]
    assert ["    Trust *", "General (3)", "– (0)"] in rows
    cqr_report.write_cross_analysis(result, tmp_path / "cross.csv")
    with open(tmp_path / "cross.csv", encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    trust = [r for r in records if r["code"] == "Bond/Trust"]
    assert [(r["group"], r["cases"], r["label"], r["marked"]) for r in trust] == [
        ("good", "3", "general", "1"), ("poor", "0", "", "1")]  # fmt: skip

    cqr.save_core_idea(
        project, "D1", None, "Bond", "Trusts early.", [study.codings[("D1", "client", "Trust")]]
    )
    grid = cqr.core_idea_grid(project)
    quotes = {e.coding_id: e for e in cqr.excerpts(project, [study.codings[("D1", "client", "Trust")]])}
    cqr_report.write_core_ideas(grid, tmp_path / "ideas.docx", quotes)
    first = docx.Document(str(tmp_path / "ideas.docx")).tables[0]
    assert [c.text for c in first.rows[1].cells] == ["D1", "Trusts early.", "“trust” (D1 client)"]
    assert [c.text for c in first.rows[2].cells] == ["D2", "", ""]
    cqr_report.write_core_ideas(grid, tmp_path / "ideas.csv")
    assert "Trusts early." in (tmp_path / "ideas.csv").read_text(encoding="utf-8-sig")

    comment = cqr_audit.add_comment(project, "domain", study.codes["Bond"], "Split Bond?", "Clara")
    cqr_audit.answer_comment(project, comment, "accepted")
    cqr_report.write_audit_trail(cqr_audit.list_comments(project), tmp_path / "trail.docx")
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "trail.docx")).paragraphs)
    assert "On the domain Bond" in text and "Clara: Split Bond?" in text and "team: accepted." in text
