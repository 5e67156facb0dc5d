"""One session of one dyad on the session-video time axis: a lane per perspective, a mark per recall coding.

Each mark sits at the coding's video moment (see `app.domain.comparison` for how a coding gets one), coloured
by its code; hovering shows the excerpt; shared moments are shaded bands across the lanes. Clicking plays the session video from that moment when the session
has a media file on this machine (a small QtMultimedia player window), and otherwise asks the main window to
open the session transcript at the turn spoken at that moment. QtMultimedia is imported only when a video is
actually played, and `player_factory` can be replaced, so tests never need a codec.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.comparison import Excerpt
from app.domain.errors import RapportError
from app.domain.timecode import format_timecode
from app.services import compare as service
from app.services import session_video
from app.services.changes import Change
from app.services.compare import SessionTimeline
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.views.background_refresh import BackgroundRefresh
from app.ui.views.deferred_changes import DeferredChanges
from app.ui.views.video_player import VideoPlayerWindow

LANE_HEIGHT = 64  # a mark, then two rows for the code names under it
MARK_HEIGHT = 22
LABEL_ROW = 14
MARK_WIDTH = 6
LEFT = 110  # room for lane labels
TOP = 28  # room for the time axis
RIGHT_MARGIN = 24
MIN_AXIS_MS = 60_000


class MarkItem(QGraphicsRectItem):
    """A coding at its video moment; tells its view when clicked."""

    def __init__(
        self, excerpt: Excerpt, rect: QRectF, color: str, on_click: Callable[[Excerpt], None]
    ) -> None:
        super().__init__(rect)
        self.excerpt = excerpt
        self._on_click = on_click
        self.setBrush(QBrush(QColor(color)))
        self.setPen(QPen(QColor(color).darker(150)))
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(
            f"{excerpt.code} — {excerpt.perspective}, video {format_timecode(excerpt.video_ref_ms)}\n"
            f"“{' '.join(excerpt.text.split())}”\n{excerpt.document} ({excerpt.speaker or 'no speaker'}, "
            f"coded by {excerpt.coder})"
        )

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_click(self.excerpt)
            event.accept()
        else:
            super().mousePressEvent(event)


class TimelineView(QWidget):
    markActivated = Signal(object)  # the Excerpt clicked

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.timeline: SessionTimeline | None = None
        self.player_factory: Callable[[QWidget, str], VideoPlayerWindow] = lambda owner, path: (
            VideoPlayerWindow(path, owner)
        )
        self.player: VideoPlayerWindow | None = None
        self._moment: int | None = None
        self._player_path: str | None = None
        self.pixels_per_second = 2.0
        self.window_s = service.DEFAULT_WINDOW_S  # the shared-moment window for the bands drawn

        self.dyad_combo = QComboBox()
        self.session_spin = QSpinBox()
        self.session_spin.setRange(1, 1)
        self.zoom_in = QPushButton("+")
        self.zoom_out = QPushButton("−")
        self.fit_button = QPushButton("Fit")
        for button, tip in (
            (self.zoom_in, "Zoom in"),
            (self.zoom_out, "Zoom out"),
            (self.fit_button, "Fit the whole session to the width"),
        ):
            button.setToolTip(tip)
            button.setFixedWidth(
                max(36, button.sizeHint().height() + 8) if button is not self.fit_button else 56
            )
        self.fitting = True  # the session fills the width until the researcher zooms
        self.info = QLabel()
        self.video_button = QToolButton()
        self.video_button.setText("Session video")
        self.video_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        video_menu = QMenu(self.video_button)
        self.choose_video_action = video_menu.addAction("Choose session video…", self.choose_video)
        self.forget_video_action = video_menu.addAction("Forget session video", lambda: self.set_video(None))
        self.video_button.setMenu(video_menu)
        bar = QHBoxLayout()
        for widget in (QLabel("Dyad"), self.dyad_combo, QLabel("Session"), self.session_spin):
            bar.addWidget(widget)
        bar.addWidget(self.info, 1)
        bar.addWidget(self.video_button)
        bar.addWidget(self.zoom_out)
        bar.addWidget(self.zoom_in)
        bar.addWidget(self.fit_button)
        self.scene = QGraphicsScene(self)
        self.graphics = QGraphicsView(self.scene)
        self.graphics.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.graphics.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.graphics.setMouseTracking(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)

        self.dyad_combo.currentIndexChanged.connect(self._dyad_changed)
        self.session_spin.valueChanged.connect(lambda _n: self.refresh())
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.pixels_per_second * 1.5))
        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.pixels_per_second / 1.5))
        self._dyad_documents: frozenset[int] = frozenset()  # the documents of the dyad shown
        self._background = BackgroundRefresh(self)
        self.fit_button.clicked.connect(self.fit_to_width)
        self._stale = False  # a refresh was asked for while hidden
        self._deferred = DeferredChanges(self, self._apply_change)
        context.changed.connect(self._deferred.offer)
        context.projectChanged.connect(lambda _project: self.reload_dyads())
        context.blindChanged.connect(lambda _on: self.refresh())
        context.activeCoderChanged.connect(lambda _id: self.context.blind and self.refresh())
        self.reload_dyads()

    # -- choosing ---------------------------------------------------------------------------------
    def reload_dyads(self) -> None:
        project = self.context.project
        current = self.dyad_combo.currentText()
        names = service.dyad_names(project) if project is not None else []
        self.dyad_combo.blockSignals(True)
        self.dyad_combo.clear()
        self.dyad_combo.addItems(names)
        if current in names:
            self.dyad_combo.setCurrentText(current)
        self.dyad_combo.blockSignals(False)
        self._dyad_changed()

    def show_session(self, dyad: str, session: int) -> None:
        """Show this session, computing it once (nothing to do when it is the one already shown)."""
        same = (dyad, session) == (self.dyad_combo.currentText(), self.session_spin.value())
        if same and (self.timeline is not None or self._stale):
            return
        self.dyad_combo.blockSignals(True)
        self.dyad_combo.setCurrentText(dyad)
        self.dyad_combo.blockSignals(False)
        self._update_session_range()
        self.session_spin.blockSignals(True)
        self.session_spin.setValue(session)
        self.session_spin.blockSignals(False)
        self.refresh()

    def _dyad_changed(self) -> None:
        self._update_session_range()
        self.refresh()

    def _update_session_range(self) -> None:
        project, dyad = self.context.project, self.dyad_combo.currentText()
        numbers = service.dyad_sessions(project, dyad) if project is not None and dyad else []
        self.session_spin.blockSignals(True)
        self.session_spin.setRange(min(numbers, default=1), max(numbers, default=1))
        self.session_spin.blockSignals(False)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:  # chosen while hidden: compute it now, which covers the changes that waited too
            self._deferred.pending = None
            self.refresh()
        else:
            self._deferred.flush()

    def _apply_change(self, change: Change) -> None:
        if change.everything or change.study:
            self.reload_dyads()
        elif change.only_codings and not (change.codings & self._dyad_documents):
            return  # codings of other dyads
        elif change.codings or change.codebook or change.documents:
            self.refresh_in_background()

    # -- the session video ---------------------------------------------------------------------------
    def choose_video(self) -> None:
        """Ask for the session's video file and set it (undoable)."""
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Session video",
            "",
            "Video files (*.mp4 *.mov *.m4v *.mkv *.avi *.webm *.wmv);;All files (*)",
        )
        if path:
            self.set_video(path)

    def set_video(self, path: str | None) -> None:
        """Set (None: forget) the video of the session shown, as one undoable action."""
        project, dyad, number = self.context.project, self.dyad_combo.currentText(), self.session_spin.value()
        if project is None or not dyad:
            return
        label = (
            f"Set the video of {dyad} session {number}"
            if path
            else f"Forget the video of {dyad} session {number}"
        )
        command = ServiceCommand(
            label,
            lambda: session_video.set_session_video(project, dyad, number, path),
            lambda previous: session_video.set_session_video(
                project, dyad, number, previous, must_exist=False
            ),
        )
        try:
            self.context.push(command)
        except RapportError as exc:
            self.info.setText(str(exc))
            return
        self.refresh()

    def set_zoom(self, pixels_per_second: float, *, fitting: bool = False) -> None:
        self.fitting = fitting
        self.pixels_per_second = max(0.05, min(50.0, pixels_per_second))
        self._draw()

    def fit_to_width(self) -> None:
        """Zoom so that the whole session fits the width of the view."""
        if self.timeline is None:
            return
        width = self.graphics.viewport().width() - LEFT - RIGHT_MARGIN
        self.set_zoom(max(width, 100) / (self._span_ms() / 1000), fitting=True)

    def _span_ms(self) -> int:
        return max(self.timeline.duration_ms + 30_000, MIN_AXIS_MS) if self.timeline else MIN_AXIS_MS

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitting and self.timeline is not None:
            self.fit_to_width()

    # -- drawing ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute now (the user chose a dyad, a session or a window); hidden (e.g. a tab of the comparison
        not shown), only remember to do it when shown."""
        self._background.cancel()
        self.timeline = None
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        try:
            work = self._make_work()
            if work is not None:
                self.timeline = work()
        except RapportError as exc:
            self.info.setText(str(exc))
        self._fit_or_draw()

    def refresh_in_background(self) -> None:
        """Recompute after a change in the project, off the GUI thread; the old marks stay until then."""
        try:
            work = self._make_work()
        except RapportError as exc:
            self._show_failure(exc)
            return
        if work is None:
            self.refresh()
            return
        self._background.request(work, self._show_timeline, self._show_failure)

    def _make_work(self):
        """The timeline chosen on screen, as a call that may run on any thread (None: nothing to show)."""
        project, dyad = self.context.project, self.dyad_combo.currentText()
        if project is None or not dyad:
            self._dyad_documents = frozenset()
            return None
        number, coders, window = self.session_spin.value(), self.context.shown_coders(), self.window_s
        self._dyad_documents = service.dyad_document_ids(project, dyad)
        # blind coding: only my codings
        return lambda: service.session_timeline(project, dyad, number, coders=coders, window_s=window)

    def _show_timeline(self, timeline) -> None:
        self.timeline = timeline
        self._fit_or_draw()

    def _fit_or_draw(self) -> None:
        if self.fitting and self.timeline is not None:
            self.fit_to_width()
        else:
            self._draw()

    def _show_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, RapportError):
            raise exc
        self.timeline = None
        self.info.setText(str(exc))
        self._draw()

    def x_of(self, ms: int) -> float:
        return LEFT + ms / 1000 * self.pixels_per_second

    def mark_items(self) -> list[MarkItem]:
        return [item for item in self.scene.items() if isinstance(item, MarkItem)]

    def _draw(self) -> None:
        self.scene.clear()
        timeline = self.timeline
        if timeline is None:
            return
        lanes = timeline.perspectives or ("client", "therapist")
        span_ms = max(timeline.duration_ms + 30_000, MIN_AXIS_MS)
        right = self.x_of(span_ms)
        bottom = TOP + LANE_HEIGHT * len(lanes)
        step_s = next(s for s in (10, 30, 60, 120, 300, 600, 1800, 3600) if s * self.pixels_per_second >= 70)
        grid = QPen(QColor("#d0d0d0"))
        for second in range(0, span_ms // 1000 + 1, step_s):
            x = self.x_of(second * 1000)
            self.scene.addLine(x, TOP - 4, x, bottom, grid)
            label = self.scene.addSimpleText(format_timecode(second * 1000))
            label.setPos(x + 2, 4)
        counts = {p: sum(1 for e in timeline.marks if e.perspective == p) for p in lanes}
        for lane, perspective in enumerate(lanes):
            y = TOP + lane * LANE_HEIGHT
            self.scene.addLine(LEFT, y + LANE_HEIGHT, right, y + LANE_HEIGHT, grid)
            title = self.scene.addSimpleText(f"{perspective.title()} ({counts.get(perspective, 0)})")
            title.setPos(8, y + MARK_HEIGHT / 2 - 2)
        band = QBrush(QColor(255, 221, 102, 90))
        for moment in timeline.moments:
            left, width = (
                self.x_of(moment.time_ms) - 5,
                self.x_of(moment.end_ms) - self.x_of(moment.time_ms) + 10,
            )
            item = self.scene.addRect(
                QRectF(left, TOP - 4, width, bottom - TOP + 4), QPen(Qt.PenStyle.NoPen), band
            )
            item.setZValue(-1)
            who = ", ".join(moment.codings)
            item.setToolTip(
                f"Shared moment: {moment.code} ({who}), {format_timecode(moment.time_ms)}"
                f"–{format_timecode(moment.end_ms)}"
            )
        stacked: dict[tuple[str, int], int] = {}
        labels: dict[tuple[str, int], list[Excerpt]] = {}  # one label per stack of marks
        for excerpt in timeline.marks:
            if excerpt.perspective not in lanes or excerpt.video_ref_ms is None:
                continue
            lane = lanes.index(excerpt.perspective)
            key = (excerpt.perspective, round(self.x_of(excerpt.video_ref_ms)))
            offset = stacked.get(key, 0)
            stacked[key] = offset + 1
            labels.setdefault(key, []).append(excerpt)
            x = self.x_of(excerpt.video_ref_ms) - MARK_WIDTH / 2 + offset * (MARK_WIDTH + 1)
            rect = QRectF(x, TOP + lane * LANE_HEIGHT + 6, MARK_WIDTH, MARK_HEIGHT)
            self.scene.addItem(
                MarkItem(excerpt, rect, timeline.colors.get(excerpt.code_id, "#888888"), self.activate)
            )
        self._draw_labels(lanes, labels)
        legend_bottom = self._draw_legend(timeline, bottom + 12)
        self.scene.setSceneRect(
            0, 0, max(right + 20, self.graphics.viewport().width() - 4), legend_bottom + 10
        )
        media = "video: " + Path(timeline.media_path).name if timeline.media_path else "no session video"
        self.info.setText(
            f"{len(timeline.marks)} recall codings with a video moment, {len(timeline.moments)} shared "
            f"moments (shaded); {media}"
        )

    def _draw_labels(self, lanes: tuple[str, ...], stacks: dict[tuple[str, int], list[Excerpt]]) -> None:
        """The code names under each stack of marks, on the first of two rows where they fit (else only in the
        marks' tooltips), so a reader sees what was raised without hovering."""
        ends: dict[tuple[str, int], float] = {}  # (lane, row) -> right end of the last label
        for (perspective, x), excerpts in sorted(stacks.items(), key=lambda kv: kv[0][1]):
            names = list(dict.fromkeys(e.code.split("/")[-1] for e in excerpts))
            text = names[0] if len(names) == 1 else f"{names[0]} +{len(names) - 1}"
            item = QGraphicsSimpleTextItem(text)
            item.setBrush(QBrush(QColor("#34495e")))
            width = item.boundingRect().width()
            left = x - MARK_WIDTH / 2
            for row in range(2):
                if ends.get((perspective, row), -1.0) + 6 <= left:
                    y = TOP + lanes.index(perspective) * LANE_HEIGHT + 6 + MARK_HEIGHT + 2 + row * LABEL_ROW
                    item.setPos(left, y)
                    item.setToolTip(", ".join(names))
                    self.scene.addItem(item)
                    ends[(perspective, row)] = left + width
                    break

    def _draw_legend(self, timeline: SessionTimeline, top: float) -> float:
        """A swatch and the name of every code on the timeline, wrapped to the view's width; returns the bottom."""
        shown = {}
        for excerpt in timeline.marks:
            shown.setdefault(excerpt.code_id, excerpt.code)
        if not shown:
            return top
        caption = self.scene.addSimpleText("Codes:")
        caption.setPos(8, top)
        x, y = float(LEFT), top
        limit = max(self.graphics.viewport().width() - RIGHT_MARGIN, LEFT + 300)
        for code_id, name in sorted(shown.items(), key=lambda kv: kv[1].casefold()):
            label = QGraphicsSimpleTextItem(name)
            width = 16 + label.boundingRect().width() + 18
            if x + width > limit and x > LEFT:
                x, y = float(LEFT), y + 20
            color = QColor(timeline.colors.get(code_id, "#888888"))
            self.scene.addRect(QRectF(x, y + 3, 11, 11), QPen(color.darker(150)), QBrush(color))
            label.setPos(x + 16, y)
            self.scene.addItem(label)
            x += width
        return y + 20

    # -- acting on a mark -------------------------------------------------------------------------
    def activate(self, excerpt: Excerpt) -> None:
        """Play the session video from the mark's moment, or open the transcript at that moment."""
        self.markActivated.emit(excerpt)
        timeline = self.timeline
        if timeline is None or excerpt.video_ref_ms is None:
            return
        self._moment = excerpt.video_ref_ms
        if timeline.media_path and Path(timeline.media_path).is_file():
            if self.player is not None and self._player_path != timeline.media_path:
                self._close_player()  # another session's video
            if self.player is None:
                self._player_path = timeline.media_path
                self.player = self.player_factory(self, timeline.media_path)
                failed = getattr(self.player, "failed", None)
                if failed is not None:
                    failed.connect(self._video_failed)
            self.player.play_from(excerpt.video_ref_ms)
            return
        self.open_transcript_at(excerpt.video_ref_ms)
        if timeline.media_path:
            self.info.setText(
                f"The video {timeline.media_path} is not on this machine; opened the session transcript instead."
            )

    def _close_player(self) -> None:
        player, self.player = self.player, None
        if player is not None:
            player.close()
            player.deleteLater()

    def _video_failed(self, message: str) -> None:
        """The video cannot be played here: say why, and fall back to the transcript at the same moment."""
        self._close_player()
        name = (
            Path(self.timeline.media_path).name if self.timeline and self.timeline.media_path else "the video"
        )
        self.open_transcript_at(self._moment)
        self.info.setText(f"Could not play {name} ({message}); opened the session transcript instead.")

    def open_transcript_at(self, time_ms: int | None) -> None:
        timeline = self.timeline
        if timeline is None or time_ms is None:
            return
        position = timeline.transcript_position(time_ms)
        if position is None:
            self.info.setText(
                f"Session {timeline.session} has neither a video file nor a session transcript."
            )
            return
        self.context.documentRequested.emit(*position)
