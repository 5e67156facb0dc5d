"""The agreement service on real project files: selection, table, disagreements, exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from app.domain.agreement_stats import Table2x2
from app.domain.errors import InvalidInput, NotFound
from app.services import agreement_report
from app.services.agreement import AgreementRequest, agreement_table, list_disagreements
from app.storage.models import Coder, Coding
from tests.study import Study, StudyBuilder
from tests.study_presets import AGREEMENT_TEXTS, agreement_study

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


@pytest.fixture
def built(project) -> Study:
    return agreement_study(project)


@pytest.fixture
def study(built):
    return built.project


def test_table_per_code_in_tree_order_with_pooled_units(study) -> None:
    report = agreement_table(study, AgreementRequest(coders=("Ana", "Ben"), replicates=100))
    assert [row.code for row in report.codes] == ["Alliance/Trust", "Alliance/Rupture"]
    trust = report.codes[0]
    total = sum(len(t) for t in AGREEMENT_TEXTS.values())
    assert trust.table == Table2x2(both=30, only_a=0, only_b=38 + 7, neither=total - 30 - 45)
    assert trust.n_units == total
    assert report.overall.n_units == 2 * total
    assert 0 <= trust.percent_agreement <= 1  # a proportion; the JSON gives percent
    data = report.as_dict()
    assert data["unit"] == "character" and data["coders"] == ["Ana", "Ben"]
    assert set(data["codes"][0]) >= {"code", "n_units", "percent_agreement", "kappa", "alpha", "ac1", "ci95"}
    json.dumps(data)


def test_documents_selected_by_dyad_session_and_perspective(study) -> None:
    by_dyad = agreement_table(study, AgreementRequest(coders=(1, 2), dyads=["D02"], replicates=0))
    assert [d.name for d in by_dyad.documents] == ["D02 s2 client"]
    by_perspective = agreement_table(
        study, AgreementRequest(coders=(1, 2), perspectives=["client"], replicates=0)
    )
    assert {d.id for d in by_perspective.documents} == {1, 3}
    by_session = agreement_table(study, AgreementRequest(coders=(1, 2), sessions=[1], replicates=0))
    assert {d.id for d in by_session.documents} == {1, 2}
    named = agreement_table(
        study, AgreementRequest(coders=(1, 2), documents=["D01 s1 therapist"], codes=["Unused"])
    )
    assert [row.code for row in named.codes] == ["Unused"]
    assert named.codes[0].kappa is None and named.codes[0].percent_agreement == 1


def test_user_errors(study) -> None:
    with pytest.raises(NotFound):
        agreement_table(study, AgreementRequest(coders=("Ana", "Nobody")))
    with pytest.raises(InvalidInput):
        agreement_table(study, AgreementRequest(coders=("Ana", "Ana")))
    with pytest.raises(InvalidInput):
        agreement_table(study, AgreementRequest(coders=("Ana", "Ben"), perspectives=["interpreter"]))
    with pytest.raises(InvalidInput):
        agreement_table(study, AgreementRequest(coders=("Ana", "Ben"), unit="segment", threshold=1.5))


def test_segment_and_presence_units(study) -> None:
    segment = agreement_table(study, AgreementRequest(coders=("Ana", "Ben"), unit="segment"))
    assert segment.codes[0].table == Table2x2(1, 0, 2, 0)
    assert segment.categories == 2
    presence = agreement_table(study, AgreementRequest(coders=("Ana", "Ben"), unit="presence", replicates=50))
    assert presence.codes[0].table == Table2x2(1, 0, 2, 0)  # Trust: doc 1 both; docs 2, 3 only Ben
    assert presence.codes[1].table == Table2x2(0, 2, 0, 1)


def test_disagreements_name_both_coders_codes_and_the_text(study) -> None:
    found = list_disagreements(study, AgreementRequest(coders=("Ana", "Ben")))
    assert [(d.document_id, d.start, d.end) for d in found] == [(1, 70, 83), (2, 31, 69), (3, 8, 15)]
    rupture_vs_trust = found[1]
    assert [name for _id, name in rupture_vs_trust.codes_a] == ["Alliance/Rupture"]
    assert [name for _id, name in rupture_vs_trust.codes_b] == ["Alliance/Trust"]
    assert rupture_vs_trust.text == AGREEMENT_TEXTS[2][31:69]
    assert found[0].codes_b == ()


def test_exports_csv_and_docx(study, tmp_path: Path) -> None:
    request = AgreementRequest(coders=("Ana", "Ben"), replicates=50)
    report = agreement_table(study, request)
    disagreements = list_disagreements(study, request)
    table_csv = agreement_report.export_table_csv(report, tmp_path / "table.csv")
    with table_csv.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["code"] for row in rows] == [
        "Alliance/Trust",
        "Alliance/Rupture",
        "overall (pooled yes/no over codes)",
    ]
    assert rows[0]["n_units"] == str(report.codes[0].n_units)
    assert rows[0]["percent_agreement"] == f"{100 * report.codes[0].percent_agreement:.2f}"  # in percent
    listed = agreement_report.export_disagreements_csv(disagreements, tmp_path / "dis.csv", ("Ana", "Ben"))
    with listed.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][3:5] == ["codes Ana", "codes Ben"] and len(rows) == 4
    written = agreement_report.export_docx(report, tmp_path / "report.docx", disagreements)
    docx = DocxDocument(str(written))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Unit: the character" in text and "Cohen's kappa" in text and "bootstrap over documents" in text
    assert "Byrt, T., Bishop, J. & Carlin" in text
    cells = [cell for table in docx.tables for row in table.rows for cell in row.cells]
    assert any(cell.text == "Alliance/Rupture" for cell in cells)
    assert any(cell.text == f"{100 * report.codes[0].percent_agreement:.1f}%" for cell in cells)
    shaded = [cell for cell in cells if cell._tc.xpath("./w:tcPr/w:shd")]
    assert shaded, "values under 0.8 must be flagged"


def test_three_coders_give_fleiss_kappa_and_alpha(study, built, tmp_path: Path) -> None:
    StudyBuilder(study, built).coder("Cleo").coding(1, "Trust", span=(8, 38), coder="Cleo")
    report = agreement_table(study, AgreementRequest(coders=("Ana", "Ben", "Cleo"), replicates=50))
    assert [c.name for c in report.coders] == ["Ana", "Ben", "Cleo"]
    trust = report.codes[0]
    total = sum(len(t) for t in AGREEMENT_TEXTS.values())
    # 30 characters coded by all three, 45 by Ben alone, the rest by nobody
    assert trust.histogram == (total - 75, 45, 0, 30)
    assert trust.table is None and trust.kappa is not None and trust.alpha is not None
    data = report.as_dict()
    assert data["kappa"] == "Fleiss" and data["codes"][0]["coded_by_k_coders"] == [total - 75, 45, 0, 30]
    written = agreement_report.export_docx(report, tmp_path / "three.docx")
    assert "Fleiss' kappa" in "\n".join(p.text for p in DocxDocument(str(written)).paragraphs)
    agreement_report.export_table_csv(report, tmp_path / "three.csv")
    with pytest.raises(InvalidInput):
        agreement_table(study, AgreementRequest(coders=("Ana", "Ben", "Cleo"), unit="segment"))
    with pytest.raises(InvalidInput):
        list_disagreements(study, AgreementRequest(coders=("Ana", "Ben", "Cleo")))


def test_per_document_rows_and_csv(study, tmp_path: Path) -> None:
    report = agreement_table(study, AgreementRequest(coders=("Ana", "Ben"), replicates=0))
    rows = report.document_rows(2)  # Trust
    assert [(r.document, r.n_units) for r in rows] == [
        ("D01 s1 client", len(AGREEMENT_TEXTS[1])),
        ("D01 s1 therapist", len(AGREEMENT_TEXTS[2])),
        ("D02 s2 client", len(AGREEMENT_TEXTS[3])),
    ]
    assert rows[0].percent_agreement == 1 and rows[0].kappa == pytest.approx(1)
    assert sum((r.table for r in rows), Table2x2()) == report.codes[0].table
    written = agreement_report.export_per_document_csv(report, tmp_path / "per_document.csv")
    with written.open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    assert len(lines) == 6 and lines[0]["code"] == "Alliance/Trust" and lines[0]["kappa"] == "1.000"
    data = report.as_dict(per_document=True)
    assert [d["document_id"] for d in data["codes"][1]["documents"]] == [1, 2, 3]
    assert "documents" not in report.as_dict()["codes"][0]


def consensus_rows(project) -> list[tuple[int, int, int, int, int]]:
    from sqlalchemy import select

    with project.read() as session:
        rows = session.execute(
            select(Coding.id, Coding.document_id, Coding.code_id, Coding.start, Coding.end)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == "Consensus")
        )
        return sorted(tuple(row) for row in rows)


def test_resolving_a_disagreement_codes_the_consensus_coder_and_undoes_exactly(study) -> None:
    from app.services.agreement import redo_resolution, resolve_disagreement, undo_resolution

    found = list_disagreements(study, AgreementRequest(coders=("Ana", "Ben")))
    heard = []
    study.subscribe(heard.append)
    both = resolve_disagreement(study, found[1], "both")
    [change] = heard  # the new consensus coder and its codings: one action, one announcement
    assert change.coders and change.coding_ids_added == {r.id for r in both.records}
    study.unsubscribe(heard.append)
    created = consensus_rows(study)
    assert sorted(row[1:] for row in created) == [(2, 2, 31, 69), (2, 3, 31, 69)]
    undo_resolution(study, both)
    assert consensus_rows(study) == []
    redo_resolution(study, both)
    assert consensus_rows(study) == created  # the same ids come back
    listed = list_disagreements(study, AgreementRequest(coders=("Ana", "Ben")), consensus_coder="Consensus")
    assert [name for _id, name in listed[1].codes_consensus] == ["Alliance/Rupture", "Alliance/Trust"]
    assert listed[0].codes_consensus == () and found[0].codes_consensus is None
    nothing = resolve_disagreement(study, found[0], "b")  # Ben left it uncoded: the consensus stays uncoded
    assert nothing.records == () and consensus_rows(study) == created
    assert resolve_disagreement(study, found[2], "a", consensus_coder="Agreed").consensus_coder_id is None
    with study.read() as session:
        assert session.query(Coder).filter_by(name="Agreed").count() == 0  # no coder made for nothing
    with pytest.raises(InvalidInput):
        resolve_disagreement(study, found[2], "c")
    with pytest.raises(InvalidInput, match="separate consensus coder"):
        resolve_disagreement(study, found[2], "b", consensus_coder=" ben ")
    assert found[2].coders == ("Ana", "Ben")
