"""A small study with sentences found nowhere else, for the tests of protected (encrypted) projects."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

import docx

from app.services.project import Project
from app.storage import cipher
from tests.study import StudyBuilder


def unique_sentences() -> list[str]:
    """Transcript sentences with a word no other test uses (so a match means this test leaked it)."""
    tag = uuid.uuid4().hex[:10]
    return [
        f"I never told anyone about the lighthouse{tag}quagmire before today.",
        f"My sister Philomena{tag} keeps the letters in a biscuit tin.",
        f"When you nodded I felt the zeppelin{tag}tremor finally stop.",
    ]


def secret_words(sentences: list[str]) -> list[str]:
    return [word.strip(".,") for sentence in sentences for word in sentence.split() if len(word) > 15]


def write_docx(path: Path, sentences: list[str]) -> Path:
    document = docx.Document()
    for index, sentence in enumerate(sentences):
        document.add_paragraph(f"{'C' if index % 2 == 0 else 'T'}: {sentence}")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def fill(project: Project, sources: Path, sentences: list[str], participant: str = "P01") -> int:
    """Import a DOCX (and a TXT) of the sentences, code them and add a memo quoting one; returns a document id."""
    sources.mkdir(parents=True, exist_ok=True)
    docx_path = write_docx(sources / f"{participant}_s1_client.docx", sentences)
    txt_path = sources / f"{participant}_s1_therapist.txt"
    txt_path.write_text("\n".join(f"T: {s}" for s in sentences), encoding="utf-8")
    built = (
        StudyBuilder(project)
        .files(docx_path, txt_path, dyad=f"D-{participant}", session=1, perspective="client", kind="session",
               participant=participant)
        .code("disclosure", f"Disclosure {participant}")
        .coder("Ana")
        .coding(docx_path.stem, "disclosure", span=(0, 30), coder="Ana")
        .memo("document", docx_path.stem, text=f"Note: {sentences[1]}")
        .study
    )  # fmt: skip
    return built.documents[docx_path.stem]


def files_rapport_writes(*folders: Path) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        for root, _dirs, names in os.walk(folder):
            found.extend(Path(root) / name for name in names)
    return found


def readable_in(files: list[Path], words: list[str]) -> list[tuple[str, str]]:
    """(file, word) for every secret word found in plain UTF-8 or UTF-16 in any of the files."""
    needles = [(w, w.encode("utf-8")) for w in words] + [(w, w.encode("utf-16-le")) for w in words]
    leaks = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        leaks.extend((str(path), word) for word, needle in needles if needle in data)
    return leaks


def encrypted(path: Path) -> bool:
    return cipher.is_encrypted(path)
