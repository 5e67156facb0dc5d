"""Benchmark: REFI-QDA export and import, and the reports, on a large study; prints JSON.

A synthetic, deterministic study (seeded): 40 dyads x 5 sessions x 1 transcript of ~6,000 words (200
documents, ~7 MB of text), a 40-code two-level codebook, 3 coders and 20,000 codings, written through real
storage with Core bulk inserts. Times: .qdpx export, .qdpx import into an empty project (one transaction,
turns carried by Rapport's extension), the same import without the extension (turns re-parsed), the codings
CSV and the excerpts DOCX.

    .venv/bin/python -m bench.bench_exchange
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
from app.services import exchange, reports
from app.services.project import Project, create_project
from app.storage.models import Code, Coder, Coding, Document, Dyad, Turn
from app.storage.models import Session as StudySession
from bench.corpus import transcript_text

DYADS = 40
SESSIONS = 5
WORDS = 6_000
CODINGS = 20_000


def build(project: Project) -> None:
    rng = random.Random(8)
    with project.write() as s:
        coders = [Coder(name=f"Coder {i}") for i in range(3)]
        s.add_all(coders)
        parents = [Code(name=f"Theme {p}", position=p) for p in range(8)]
        s.add_all(parents)
        s.flush()
        children = [
            Code(name=f"Sub {p}.{c}", parent_id=parents[p].id, position=c, definition="x" * 80)
            for p in range(8)
            for c in range(4)
        ]
        s.add_all(children)
        s.flush()
        code_ids = [c.id for c in parents + children]
        documents: list[tuple[int, int]] = []
        for d in range(DYADS):
            dyad = Dyad(name=f"D{d:02d}")
            s.add(dyad)
            s.flush()
            for n in range(1, SESSIONS + 1):
                session = StudySession(dyad_id=dyad.id, number=n)
                s.add(session)
                s.flush()
                text = transcript_text(d * 10 + n, WORDS)
                document = Document(
                    name=f"D{d:02d} session {n}",
                    dyad_id=dyad.id,
                    session_id=session.id,
                    perspective="client",
                    kind="session",
                    text=text,
                    text_hash=hashlib.sha256(text.encode()).hexdigest(),
                )
                s.add(document)
                s.flush()
                s.execute(
                    insert(Turn),
                    [
                        {"document_id": document.id, "start": t.start, "end": t.end, "speaker": t.speaker}
                        for t in parse_transcript(text).turns
                    ],
                )
                documents.append((document.id, len(text)))
        rows = []
        for _ in range(CODINGS):
            document_id, length = rng.choice(documents)
            start = rng.randrange(0, length - 400)
            rows.append(
                {
                    "document_id": document_id,
                    "code_id": rng.choice(code_ids),
                    "coder_id": rng.choice(coders).id,
                    "start": start,
                    "end": start + rng.randrange(20, 400),
                    "guid": f"{rng.getrandbits(128):032x}"[:8]
                    + "-0000-4000-8000-"
                    + f"{rng.getrandbits(48):012x}",
                }
            )
        s.execute(insert(Coding), rows)


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return round(time.perf_counter() - started, 3), result


def main(argv: list[str] | None = None) -> int:
    del argv
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with create_project(root / "big.rapport") as project:
            build_seconds, _ = timed(lambda: build(project))
            export_seconds, out = timed(lambda: exchange.export_project_qdpx(project, root / "big.qdpx"))
            csv_seconds, _ = timed(lambda: reports.export_codings_csv(project, root / "codings.csv"))
            docx_seconds, _ = timed(lambda: reports.export_excerpts_docx(project, root / "excerpts.docx"))
        with create_project(root / "copy.rapport") as copy:
            import_seconds, report = timed(lambda: exchange.import_project_qdpx(copy, out))
        plain = root / "plain.qdpx"
        with zipfile.ZipFile(out) as source, zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if not info.filename.startswith("rapport/"):
                    target.writestr(info, source.read(info))
        with create_project(root / "plain.rapport") as copy:
            reparse_seconds, _ = timed(lambda: exchange.import_project_qdpx(copy, plain))
        result = {
            "documents": DYADS * SESSIONS,
            "codings": CODINGS,
            "archive_bytes": out.stat().st_size,
            "build_s": build_seconds,
            "export_qdpx_s": export_seconds,
            "import_qdpx_s": import_seconds,
            "import_qdpx_without_extension_s": reparse_seconds,
            "codings_csv_s": csv_seconds,
            "excerpts_docx_s": docx_seconds,
            "imported": {
                k: v for k, v in report.as_dict().items() if k in ("documents", "turns", "codings", "codes")
            },
        }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
