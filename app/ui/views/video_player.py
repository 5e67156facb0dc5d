"""A small window playing a session video from a given moment (QtMultimedia, imported only when a video plays)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from app.domain.timecode import format_timecode


class VideoPlayerWindow(QWidget):
    """A small window playing the session video, started at a given moment."""

    failed = Signal(str)  # a message when the file cannot be played (missing codec, damaged file...)

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer  # only when a video is really played
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.setWindowTitle(Path(path).name)
        self.resize(640, 420)
        self._pending: int | None = None
        self.video = QVideoWidget(self)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(self.video)
        self.play_button = QPushButton("Pause")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.time_label = QLabel("00:00:00")
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        layout.addLayout(controls)
        self.play_button.clicked.connect(self._toggle)
        self.player.durationChanged.connect(lambda ms: self.slider.setRange(0, int(ms)))
        self.player.positionChanged.connect(self._position_changed)
        self.player.mediaStatusChanged.connect(self._status_changed)
        self.slider.sliderMoved.connect(self.player.setPosition)
        self.player.errorOccurred.connect(lambda _error, text: self.failed.emit(text or "unknown error"))
        self.player.setSource(QUrl.fromLocalFile(path))

    def play_from(self, ms: int) -> None:
        self._pending = ms
        self.player.setPosition(ms)
        self.player.play()
        self.show()
        self.raise_()

    def _status_changed(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._pending is not None:
            self.player.setPosition(self._pending)  # a position set before loading may be dropped

    def _position_changed(self, ms: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(int(ms))
        self.slider.blockSignals(False)
        self.time_label.setText(format_timecode(int(ms)))

    def _toggle(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
            self.play_button.setText("Play")
        else:
            self.player.play()
            self.play_button.setText("Pause")
