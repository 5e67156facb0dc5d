"""A deterministic corpus of therapy-like dialogue for benchmarks (and anyone needing realistic volume).

`dialogue_turns(seed)` yields (speaker, utterance) pairs that look like a psychotherapy session: a therapist
and a client alternating (with occasional back-channels and a client holding the floor), utterances of very
different lengths, hesitations, curly quotes, dashes and accented names, and now and then an emoji, so
code-point handling is exercised as it would be by real transcripts. The same seed gives the same corpus on
every machine and Python version (only `random.Random` with explicit seeds is used).
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

_OPENERS = [
    "I think",
    "Honestly,",
    "You know,",
    "I guess",
    "It's like",
    "When I",
    "Last week",
    "Sometimes",
    "I noticed that",
    "What strikes me is",
    "It sounds like",
    "I wonder whether",
    "So",
    "Well,",
    "Mm, and",
    "I'm not sure",
    "Part of me feels",
    "I keep thinking",
    "Before, I",
    "With my mother,",
]
_WORDS = [
    "feel",
    "felt",
    "trust",
    "safe",
    "safety",
    "afraid",
    "angry",
    "sad",
    "relief",
    "hope",
    "tired",
    "work",
    "mother",
    "father",
    "sister",
    "partner",
    "session",
    "week",
    "weekend",
    "morning",
    "night",
    "home",
    "job",
    "boss",
    "friend",
    "talk",
    "listen",
    "understand",
    "judged",
    "heard",
    "seen",
    "again",
    "always",
    "never",
    "really",
    "maybe",
    "quite",
    "little",
    "bit",
    "more",
    "less",
    "time",
    "moment",
    "again",
    "body",
    "chest",
    "breathing",
    "sleep",
    "dream",
    "memory",
    "childhood",
    "school",
    "café",
    "naïve",
    "déjà",
    "vu",
    "Zoë",
    "Müller",
    "Søren",
    "José",
    "change",
    "stuck",
    "better",
    "worse",
    "together",
    "alone",
    "distance",
    "close",
    "closer",
    "rupture",
    "repair",
    "pattern",
    "notice",
    "wonder",
    "sense",
    "meaning",
    "difficult",
    "easy",
    "hard",
    "soft",
    "quiet",
    "loud",
    "room",
    "chair",
    "video",
    "pause",
    "silence",
    "question",
    "answer",
    "right",
    "wrong",
    "fair",
    "unfair",
    "enough",
]
_BACKCHANNELS = ["Mm-hm.", "Yeah.", "Okay.", "Right.", "Mm.", "I see.", "Go on.", "(nods)", "Yes…"]
_FLOURISHES = ["—", "…", "“really”", "‘fine’", "–", "😀", "(laughs)", "(pause)", "[inaudible]"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_OPENERS)]
    for _ in range(rng.randint(3, 18)):
        words.append(rng.choice(_WORDS) if rng.random() > 0.04 else rng.choice(_FLOURISHES))
    return " ".join(words) + rng.choice([".", ".", ".", "?", "…", "!"])


def dialogue_turns(
    seed: int = 1, *, speakers: tuple[str, str] = ("Therapist", "Client")
) -> Iterator[tuple[str, str]]:
    """An endless, reproducible dialogue: (speaker, utterance), alternating mostly, lengths varying widely."""
    rng = random.Random(seed)
    therapist, client = speakers
    current = therapist
    while True:
        if rng.random() < 0.12:
            yield current, rng.choice(_BACKCHANNELS)
        else:
            sentences = (
                rng.choice([1, 1, 2, 2, 3, 4, 6, 9]) if current == client else rng.choice([1, 1, 2, 3])
            )
            yield current, " ".join(_sentence(rng) for _ in range(sentences))
        if rng.random() > 0.08:  # sometimes the same speaker carries on (a new paragraph)
            current = client if current == therapist else therapist


def transcript_lines(seed: int, words: int, *, timestamps: bool = True, recall: bool = False) -> list[str]:
    """Lines `[hh:mm:ss] Speaker: utterance` totalling about `words` words (at least that many)."""
    rng = random.Random(seed * 7919 + 1)
    speakers = ("Researcher", "Client") if recall else ("Therapist", "Client")
    lines: list[str] = []
    total = 0
    seconds = 0
    for speaker, utterance in dialogue_turns(seed, speakers=speakers):
        if recall and speaker == "Researcher" and rng.random() < 0.3:
            utterance = f"[video {_clock(rng.randrange(0, 3000))}] {utterance}"
        stamp = f"[{_clock(seconds)}] " if timestamps else ""
        lines.append(f"{stamp}{speaker}: {utterance}")
        count = len(utterance.split()) + 1
        total += count
        seconds += max(1, count // 2) + rng.randint(0, 3)
        if total >= words:
            return lines
    raise AssertionError("unreachable: the dialogue is endless")


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def transcript_text(seed: int, words: int, **options: bool) -> str:
    return "\n".join(transcript_lines(seed, words, **options)) + "\n"


def docx_bytes(seed: int, words: int, *, bold_labels: bool = True, **options: bool) -> bytes:
    """A Word transcript: a heading, then one paragraph a turn (speaker label in bold when asked)."""
    import docx

    document = docx.Document()
    document.add_heading(f"Transcript {seed}", level=1)
    for line in transcript_lines(seed, words, **options):
        paragraph = document.add_paragraph()
        if bold_labels and ": " in line:
            label, rest = line.split(": ", 1)
            paragraph.add_run(label + ":").bold = True
            paragraph.add_run(" " + rest)
        else:
            paragraph.add_run(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx_corpus(folder: Path, documents: int, words: int, *, first_seed: int = 1) -> list[Path]:
    """`documents` DOCX transcripts named like a study's files (`D01_s1_session.docx`...)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(documents):
        seed = first_seed + index
        recall = index % 3 == 2
        name = f"D{index // 6 + 1:02d}_s{index % 6 // 2 + 1}_{'client_recall' if recall else 'session'}.docx"
        path = folder / name
        path.write_bytes(docx_bytes(seed, words, recall=recall))
        paths.append(path)
    return paths
