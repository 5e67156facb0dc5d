"""Clinical data never leaves the machine: a whole working session opens no network connection.

A child Python installs an audit hook that fails on any attempt to resolve a host name or to connect, bind or
send on an internet socket, then runs a realistic session through the CLI (demo, import, code, search,
compare, agreement, exports) and opens the main window offscreen on the demo study.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

GUARD = textwrap.dedent(
    """
    import os, socket, sys

    def refuse(event, args):
        if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            raise RuntimeError(f"NETWORK: {event} {args!r}")
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            sock = args[0]
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                raise RuntimeError(f"NETWORK: {event} {args[1:]!r}")
        if event == "urllib.Request":
            raise RuntimeError(f"NETWORK: {event} {args!r}")

    sys.addaudithook(refuse)
    """
)

SESSION = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from app.cli import run

    folder = Path(sys.argv[1])
    project = str(folder / "study.rapport")
    transcript = folder / "D09_s1_client_recall.txt"
    transcript.write_text("Researcher: And here? [video 00:01:02]\\nClient: I trusted her then.\\n", encoding="utf-8")
    steps = [
        ["demo", project],
        ["import", project, str(transcript)],
        ["code", project, "--document", "1", "--code", "Bond/Trust", "--start", "0", "--end", "10", "--coder", "Ana"],
        ["search", project, "trust"],
        ["compare", project, "--dyad", "D01"],
        ["agreement", project, "--coders", "Ana", "Ben"],
        ["export", project, str(folder / "study.qdpx")],
        ["export", project, str(folder / "codebook.docx")],
        ["export", project, str(folder / "codings.csv")],
    ]
    for step in steps:
        status = run(step + ["--json"])
        assert status == 0, (step, status)

    import os
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from app.services.project import open_project
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    app = QApplication([])
    context = AppContext()
    window = MainWindow(context)
    window.ask_coder = lambda names, current: names[0]
    window.show()
    assert window.open_path(project)
    app.processEvents()
    window.close()
    context.set_project(None)
    print("SESSION DONE")
    """
)


def test_a_whole_session_opens_no_network_connection(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", GUARD + SESSION, str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={
            **__import__("os").environ,
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        },
        timeout=300,
    )
    assert "NETWORK" not in result.stderr + result.stdout, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "SESSION DONE" in result.stdout


def test_the_guard_does_catch_a_connection() -> None:
    probe = GUARD + textwrap.dedent(
        """
        import socket
        for attempt in (lambda: socket.getaddrinfo("localhost", 9), lambda: socket.socket().connect(("127.0.0.1", 9))):
            try:
                attempt()
            except RuntimeError as error:
                print(error)
        """
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert "NETWORK: socket.getaddrinfo" in result.stdout
    assert "NETWORK: socket.connect" in result.stdout
