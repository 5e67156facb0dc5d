"""Rapport -> .qdpx -> Rapport keeps what REFI-QDA has no place for: anchor excerpts, each document's
correction history, exact timestamps and the GUIDs of attribute definitions (Rapport's extension part)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from sqlalchemy import select

from app.domain.text_edits import TextEdit
from app.services import anchors, editing, exchange
from app.services.project import create_project
from app.storage import models as m
from tests.study import span_of
from tests.study_presets import EXCHANGE_RECALL, exchange_study


def facts(project) -> dict:
    with project.read() as s:
        docs = {d.id: d.guid for d in s.scalars(select(m.Document))}
        coders = {c.id: c.name for c in s.scalars(select(m.Coder))}
        return {
            "codings": sorted(
                (c.guid, c.anchor, c.created_at, c.updated_at) for c in s.scalars(select(m.Coding))
            ),
            "memos": sorted((x.guid, x.created_at, x.updated_at) for x in s.scalars(select(m.Memo))),
            "documents": sorted(
                (d.guid, d.imported_at, d.modified_at) for d in s.scalars(select(m.Document))
            ),
            "history": sorted(
                (docs[e.document_id], e.at, coders.get(e.coder_id), e.summary, e.detail_json)
                for e in s.scalars(select(m.DocumentEdit))
            ),
            "attributes": sorted((a.guid, a.scope, a.name) for a in s.scalars(select(m.AttributeDefinition))),
        }


def test_anchors_history_exact_times_and_attribute_guids_survive(project, tmp_path: Path) -> None:
    ids = exchange_study(project)
    with project.read() as s:
        trust_coding = s.scalars(select(m.Coding).where(m.Coding.code_id == ids.codes["trust"])).one().id
    anchors.set_anchor(project, trust_coding, True)
    start, end = span_of(EXCHANGE_RECALL, "judge me")
    editing.apply_text_edits(project, ids.documents["recall"], [TextEdit(start, end, "judge me harshly")],
                             coder_id=ids.coders["alice"], summary="Heard again on the tape")  # fmt: skip
    before = facts(project)
    assert any(microseconds.microsecond for _, _, microseconds, _ in before["codings"])
    assert len(before["history"]) == 1
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    with create_project(tmp_path / "copy.rapport") as copy:
        report = exchange.import_project_qdpx(copy, out)
        after = facts(copy)
        assert report.corrections == 1 and report.skipped == {}
        assert [(h.summary, h.edits) for h in editing.document_history(copy, report.document_ids[1])] == [
            ("Heard again on the tape", [{"start": start, "end": end, "replacement": "judge me harshly"}])
        ]
    for key in before:
        assert after[key] == before[key], key


def test_a_history_is_not_put_on_a_text_changed_since_export(project, tmp_path: Path) -> None:
    ids = exchange_study(project)
    editing.apply_text_edits(project, ids.documents["recall"], [TextEdit(0, 0, "[Recall] ")], summary="Label")
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    changed = tmp_path / "changed.qdpx"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(changed, "w") as target:
        extension = json.loads(source.read("rapport/extension.json"))
        recall_guid = next(
            g for g, d in extension["documents"].items() if d["kind"] == "recall" and d["dyad"]
        )
        for item in source.infolist():
            data = source.read(item)
            if item.filename == f"sources/{recall_guid}.txt":
                data = data.replace(b"Client:", b"Klient:")  # edited in another tool
            target.writestr(item, data)
    with create_project(tmp_path / "copy.rapport") as copy:
        report = exchange.import_project_qdpx(copy, changed)
    assert report.corrections == 0
    assert report.skipped == {"correction histories of texts changed since Rapport wrote the file": 1}


def test_anchors_beyond_three_a_code_are_reported(project, tmp_path: Path) -> None:
    ids = exchange_study(project)
    with project.read() as s:
        rupture = [c.id for c in s.scalars(select(m.Coding).where(m.Coding.code_id == ids.codes["rupture"]))]
    for coding_id in rupture:
        anchors.set_anchor(project, coding_id, True)
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    report = exchange.import_project_qdpx(project, out)  # into the same project: Rupture already has three
    assert report.skipped == {"anchor excerpts beyond 3 a code (the codings are kept)": 3}
    with project.read() as s:
        chosen = s.scalars(select(m.Coding.id).where(m.Coding.anchor.is_(True))).all()
    assert sorted(chosen) == sorted(rupture)
