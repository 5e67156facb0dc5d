"""The transcript editor's actions: keyboard shortcuts and the entries of its View menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut


def make_editor_actions(editor) -> None:
    """The editor's keyboard actions and its View menu (find, go to time, zoom, snapping, edit mode)."""

    def action(text: str, keys, slot, *, checkable: bool = False) -> QAction:
        made = QAction(text, editor)
        if keys:
            made.setShortcuts([QKeySequence(k) for k in keys])
            made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        made.setCheckable(checkable)
        made.triggered.connect(slot)
        editor.addAction(made)
        return made

    editor.find_action = action("Find in document…", [QKeySequence.StandardKey.Find], editor.open_find)
    editor.goto_action = action("Go to time…", ["Ctrl+G"], editor.ask_go_to_time)
    editor.zoom_in_action = action("Zoom in", ["Ctrl++", "Ctrl+="], lambda: editor.zoom(+1))
    editor.zoom_out_action = action("Zoom out", ["Ctrl+-"], lambda: editor.zoom(-1))
    editor.zoom_reset_action = action("Actual size", ["Ctrl+0"], lambda: editor.zoom(0))
    editor.snap_action = action("Snap selection to whole words", [], editor.reading.set_snap, checkable=True)
    editor.snap_action.setChecked(editor.options.snap_to_words)
    editor.highlight_action = action("Highlight coded text", [], editor.reading.set_highlight, checkable=True)
    editor.highlight_action.setChecked(True)
    editor.in_vivo_action = action("In-vivo code", ["Ctrl+I"], editor.in_vivo)
    for key, step in (("F3", 1), ("Shift+F3", -1)):
        QShortcut(
            QKeySequence(key),
            editor,
            lambda s=step: editor.find_step(s),
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
    editor.options_button.addActions(
        [
            editor.edit_mode.toggle_action,
            editor.edit_mode.history_action,
            editor.snap_action,
            editor.highlight_action,
            editor.find_action,
            editor.goto_action,
            editor.zoom_in_action,
            editor.zoom_out_action,
            editor.zoom_reset_action,
        ]
    )
