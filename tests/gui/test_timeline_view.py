"""The session timeline: lanes per perspective, marks at video moments, hover text, and a click that opens
the transcript at that moment (no video) or plays the video from it (with one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from app.ui.context import AppContext
from app.ui.views.timeline_view import LANE_HEIGHT, TOP, TimelineView
from tests.study_presets import comparison_study


def _view(project, qtbot) -> tuple[TimelineView, AppContext]:
    context = AppContext()
    context.project = project
    view = TimelineView(context)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    return view, context


def _click_mark(qtbot, view: TimelineView, coding_id: int) -> None:
    item = next(m for m in view.mark_items() if m.excerpt.coding_id == coding_id)
    view.graphics.ensureVisible(item)
    point = view.graphics.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(view.graphics.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_marks_sit_in_their_lane_at_their_moment(project, qtbot) -> None:
    study = comparison_study(project)
    view, _context = _view(project, qtbot)
    view.show_session("D01", 1)
    marks = {m.excerpt.coding_id: m for m in view.mark_items()}
    assert set(marks) == {
        study.codings[k] for k in ("trust_c_ana", "trust_c_ben", "trust_t", "competence_t", "rupture_c1")
    }
    therapist = marks[study.codings["trust_t"]].sceneBoundingRect()
    client = marks[study.codings["trust_c_ana"]].sceneBoundingRect()
    assert client.top() < TOP + LANE_HEIGHT <= therapist.top()  # client lane above therapist lane
    assert therapist.center().x() - client.center().x() == pytest.approx(8 * view.pixels_per_second, abs=1)
    assert "“I felt no trust yet”" in marks[study.codings["trust_t"]].toolTip()
    assert "video 00:00:20" in marks[study.codings["trust_t"]].toolTip()
    view.show_session("D01", 2)
    assert [m.excerpt.coding_id for m in view.mark_items()] == [study.codings["rupture_c2"]]


def test_click_without_video_opens_the_transcript_at_that_moment(project, qtbot) -> None:
    study = comparison_study(project)
    view, context = _view(project, qtbot)
    view.show_session("D01", 1)
    with qtbot.waitSignal(context.documentRequested) as signal:
        _click_mark(qtbot, view, study.codings["competence_t"])  # video 00:04:00
    doc, start, end = signal.args
    assert doc == study.documents["s1"]
    assert study.texts["s1"][start:end].startswith("[00:01:40] Therapist:")  # the turn spoken at 00:04:00


class RecordingPlayer(QWidget):
    """Stands in for the QtMultimedia window so the test needs no codec."""

    failed = Signal(str)

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.played: list[int] = []

    def play_from(self, ms: int) -> None:
        self.played.append(ms)


def record_players(view: TimelineView, qtbot) -> list[RecordingPlayer]:
    """Make the view open RecordingPlayers instead of video windows; the list fills as it opens them."""
    players: list[RecordingPlayer] = []

    def factory(_owner, path: str) -> RecordingPlayer:
        players.append(RecordingPlayer(path))
        qtbot.addWidget(players[-1])
        return players[-1]

    view.player_factory = factory  # type: ignore[assignment]
    return players


def test_click_with_a_video_plays_it_from_the_moment(project, qtbot, tmp_path: Path) -> None:
    video = tmp_path / "session1.mp4"
    video.write_bytes(b"\x00")
    study = comparison_study(project, media_path=str(video))
    view, context = _view(project, qtbot)
    players = record_players(view, qtbot)
    view.show_session("D01", 1)
    requested: list[tuple] = []
    context.documentRequested.connect(lambda *args: requested.append(args))
    _click_mark(qtbot, view, study.codings["rupture_c1"])
    _click_mark(qtbot, view, study.codings["trust_t"])
    assert len(players) == 1 and players[0].path == str(video)
    assert players[0].played == [300_000, 20_000]
    assert requested == []


def test_a_video_that_cannot_play_falls_back_to_the_transcript(project, qtbot, tmp_path: Path) -> None:
    video = tmp_path / "damaged.mp4"
    video.write_bytes(b"\x00")
    study = comparison_study(project, media_path=str(video))
    view, context = _view(project, qtbot)
    players = record_players(view, qtbot)
    view.show_session("D01", 1)
    _click_mark(qtbot, view, study.codings["competence_t"])
    with qtbot.waitSignal(context.documentRequested) as signal:
        players[0].failed.emit("no decoder")
    assert signal.args[0] == study.documents["s1"]
    assert "Could not play damaged.mp4 (no decoder)" in view.info.text()
    assert view.player is None


def test_a_missing_video_file_opens_the_transcript(project, qtbot, tmp_path: Path) -> None:
    study = comparison_study(project, media_path=str(tmp_path / "elsewhere.mp4"))
    view, context = _view(project, qtbot)
    view.show_session("D01", 1)
    with qtbot.waitSignal(context.documentRequested) as signal:
        _click_mark(qtbot, view, study.codings["trust_t"])
    assert signal.args[0] == study.documents["s1"]
    assert "is not on this machine" in view.info.text()


def test_shared_moments_are_shaded_across_the_lanes(project, qtbot) -> None:
    comparison_study(project)
    view, _context = _view(project, qtbot)
    view.show_session("D01", 1)
    assert [(m.code, m.time_ms, m.end_ms) for m in view.timeline.moments] == [
        ("Alliance/Trust", 12_000, 20_000)
    ]
    bands = [i for i in view.scene.items() if i.toolTip().startswith("Shared moment:")]
    assert len(bands) == 1
    rect = bands[0].sceneBoundingRect()
    assert rect.left() < view.x_of(12_000) and rect.right() > view.x_of(20_000)
    assert rect.height() >= 2 * LANE_HEIGHT  # spans both lanes
    view.window_s = 5
    view.refresh()
    assert not [i for i in view.scene.items() if i.toolTip().startswith("Shared moment:")]


def test_choosing_a_session_video_is_undoable_and_makes_clicks_play_it(
    project, qtbot, tmp_path: Path
) -> None:
    study = comparison_study(project)
    video = tmp_path / "session1.mp4"
    video.write_bytes(b"\x00")
    view, context = _view(project, qtbot)
    players = record_players(view, qtbot)
    view.show_session("D01", 1)
    assert view.timeline.media_path is None
    view.set_video(str(tmp_path / "not-there.mp4"))
    assert "does not exist" in view.info.text() and context.undo_stack.count() == 0
    view.set_video(str(video))
    assert view.timeline.media_path == str(video.resolve())
    assert context.undo_stack.undoText() == "Set the video of D01 session 1"
    _click_mark(qtbot, view, study.codings["trust_t"])
    assert players[0].played == [20_000]
    context.undo_stack.undo()
    view.refresh()
    assert view.timeline.media_path is None
    with qtbot.waitSignal(context.documentRequested):
        _click_mark(qtbot, view, study.codings["trust_t"])  # no video any more: the transcript opens


def test_the_session_fits_the_width_with_code_labels_and_a_legend(project, qtbot) -> None:
    from PySide6.QtWidgets import QGraphicsSimpleTextItem

    comparison_study(project)
    view, _context = _view(project, qtbot)
    view.show_session("D01", 1)
    texts = [i.text() for i in view.scene.items() if isinstance(i, QGraphicsSimpleTextItem)]
    assert "Codes:" in texts  # the legend
    assert sum("Trust" in t for t in texts) >= 2  # a label under the marks and the legend entry
    assert view.fitting
    last = max(view.mark_items(), key=lambda m: m.sceneBoundingRect().right())
    assert last.sceneBoundingRect().right() <= view.graphics.viewport().width()  # no scrolling to see it
    view.zoom_in.click()
    assert not view.fitting
    view.resize(1400, 300)
    assert not view.fitting
    view.fit_button.click()
    assert view.fitting
    assert view.x_of(view._span_ms()) == pytest.approx(view.graphics.viewport().width() - 24, abs=2)
