"""Benchmark: what exchange fidelity costs on a .qdpx round trip rich in memos; prints JSON.

A deterministic study (seeded): 40 transcripts of ~3,000 words, 6,000 codings (every other one with a memo, 90
anchor excerpts), 1,000 memos on ranges, 400 correction-history entries. Times: the .qdpx export; its import
into an empty project (reading the memo forms, then restoring anchors, histories and exact times from the
extension); and, as the reference measured in the same run, the import of the same archive whose extension
lacks the fidelity keys (anchors, histories, exact times). `fidelity_ratio` = import / reference import.

    .venv/bin/python -m bench memo_exchange
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from sqlalchemy import insert

from app.domain.transcript import parse_transcript
from app.services import exchange
from app.services.project import Project, create_project
from app.storage.models import Code, Coder, Coding, Document, DocumentEdit, Memo, Turn, utcnow
from bench.corpus import transcript_text

DOCUMENTS = 40
WORDS = 3_000
CODINGS = 6_000
RANGE_MEMOS = 1_000
EDITS = 400


def _guid(rng: random.Random) -> str:
    return f"{rng.getrandbits(32):08x}-0000-4000-8000-{rng.getrandbits(48):012x}"


def build(project: Project) -> None:
    rng = random.Random(18)
    with project.write() as s:
        coders = [Coder(name=f"Coder {i}") for i in range(3)]
        codes = [Code(name=f"Code {i}", position=i) for i in range(30)]
        s.add_all(coders + codes)
        s.flush()
        documents: list[tuple[int, int]] = []
        for d in range(DOCUMENTS):
            text = transcript_text(d, WORDS)
            document = Document(name=f"Transcript {d:02d}", text=text, kind="session",
                                text_hash=hashlib.sha256(text.encode()).hexdigest())  # fmt: skip
            s.add(document)
            s.flush()
            s.execute(insert(Turn), [{"document_id": document.id, "start": t.start, "end": t.end,
                                      "speaker": t.speaker} for t in parse_transcript(text).turns])  # fmt: skip
            documents.append((document.id, len(text)))
        rows = []
        for index in range(CODINGS):
            document_id, length = rng.choice(documents)
            start = rng.randrange(0, length - 400)
            rows.append({"guid": _guid(rng), "document_id": document_id, "code_id": codes[index % 30].id,
                         "coder_id": rng.choice(coders).id, "start": start, "end": start + rng.randrange(20, 400),
                         "anchor": index < 90, "created_at": utcnow(), "updated_at": utcnow()})  # fmt: skip
        s.execute(insert(Coding), rows)
        ids = [row.id for row in s.query(Coding.id).order_by(Coding.id)]
        memos = [{"guid": _guid(rng), "target": "coding", "coding_id": coding_id, "text": f"Memo {i} on a coding."}
                 for i, coding_id in enumerate(ids[::2])]  # fmt: skip
        for i in range(RANGE_MEMOS):
            document_id, length = rng.choice(documents)
            start = rng.randrange(0, length - 100)
            memos.append({"guid": _guid(rng), "target": "document", "document_id": document_id,
                          "start": start, "end": start + 50, "text": f"Range memo {i}."})  # fmt: skip
        s.execute(insert(Memo), memos)
        s.execute(insert(DocumentEdit), [{"document_id": documents[i % DOCUMENTS][0], "summary": f"Fix {i}",
                                          "detail_json": json.dumps([{"start": 0, "end": 0, "replacement": ""}])}
                                         for i in range(EDITS)])  # fmt: skip


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return round(time.perf_counter() - started, 3), result


def main(argv: list[str] | None = None) -> int:
    del argv
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with create_project(root / "memos.rapport") as project:
            build(project)
            export_seconds, out = timed(lambda: exchange.export_project_qdpx(project, root / "memos.qdpx"))
        plain = root / "plain.qdpx"
        with zipfile.ZipFile(out) as source, zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "rapport/extension.json":  # the same, less the fidelity keys
                    extension = json.loads(data)
                    for key in ("codings", "times", "history", "untitled_memos"):
                        extension.pop(key, None)
                    data = json.dumps(extension).encode("utf-8")
                target.writestr(info, data)
        with create_project(root / "plain.rapport") as copy:
            reference_seconds, _ = timed(lambda: exchange.import_project_qdpx(copy, plain))
        with create_project(root / "copy.rapport") as copy:
            import_seconds, report = timed(lambda: exchange.import_project_qdpx(copy, out))
        result = {
            "documents": DOCUMENTS,
            "codings": CODINGS,
            "memos": CODINGS // 2 + RANGE_MEMOS,
            "export_qdpx_s": export_seconds,
            "import_qdpx_s": import_seconds,
            "reference_import_without_fidelity_keys_s": reference_seconds,
            "fidelity_ratio": round(import_seconds / reference_seconds, 2) if reference_seconds else None,
            "imported": {k: report.as_dict()[k] for k in ("codings", "memos", "corrections", "skipped")},
        }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
