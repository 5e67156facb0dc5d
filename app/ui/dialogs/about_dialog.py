"""About Rapport: version, the Qt and PySide versions, where data lives (what support will ask first)."""

from __future__ import annotations

import html
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app import __version__
from app.paths import user_cache_dir, user_data_dir
from app.ui.icons import app_icon


def about_html() -> str:
    return (
        f"<h2>Rapport {__version__}</h2>"
        "<p>Qualitative coding of psychotherapy transcripts: sessions and video-assisted recall interviews, "
        "client and therapist perspectives, coder agreement. Everything stays on this computer.</p>"
        "<table cellspacing='4'>"
        f"<tr><td><b>Qt</b></td><td>{qVersion()}</td></tr>"
        f"<tr><td><b>PySide6</b></td><td>{pyside_version}</td></tr>"
        f"<tr><td><b>Python</b></td><td>{platform.python_version()}</td></tr>"
        f"<tr><td><b>Data folder</b></td><td>{html.escape(str(user_data_dir()))}</td></tr>"
        f"<tr><td><b>Cache folder</b></td><td>{html.escape(str(user_cache_dir()))}</td></tr>"
        "</table>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Rapport")
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(about_html(), self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setMinimumWidth(420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
