"""Context menus of the transcript editor: code the selection (recent codes first), remove, re-code, memo.

Menus are built from plain data (the codebook as `CodeData`, the codings under the mouse as `ShownCoding`) and
call back into the editor, so the editor stays about text and the menus stay about choices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QMenu, QWidget

from app.ui.coding_index import ShownCoding

_icons: dict[str, QIcon] = {}


def swatch(color: str) -> QIcon:
    """A small square of the code's colour, cached: menus with a thousand codes open instantly."""
    icon = _icons.get(color)
    if icon is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(QColor(color))
        icon = _icons[color] = QIcon(pixmap)
    return icon


def add_code_tree(
    menu: QMenu, codes: Sequence, on_code: Callable[[int], None], *, exclude: int | None = None
) -> None:
    """All codes as nested submenus following the codebook's hierarchy (codes with children get a submenu
    whose first entry is the parent itself)."""
    children: dict[int | None, list] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)

    def fill(target: QMenu, parent_id: int | None) -> None:
        for code in children.get(parent_id, []):
            if code.id in children:
                sub = target.addMenu(swatch(code.color), code.name)
                if code.id != exclude:
                    sub.addAction(swatch(code.color), code.name, lambda c=code.id: on_code(c))
                    sub.addSeparator()
                fill(sub, code.id)
            elif code.id != exclude:
                target.addAction(swatch(code.color), code.name, lambda c=code.id: on_code(c))

    fill(menu, None)
    if not codes:
        menu.addAction("No codes yet").setEnabled(False)


def coding_label(coding: ShownCoding) -> str:
    return f"{coding.code_name} ({coding.coder_name})" if coding.coder_name else coding.code_name


def build_text_menu(
    parent: QWidget,
    *,
    has_selection: bool,
    recent: Sequence,
    codes: Sequence,
    under_mouse: Sequence[ShownCoding],
    apply_code: Callable[[int], None],
    in_vivo: Callable[[], None],
    remove: Callable[[int], None],
    recode: Callable[[int, int], None],
    memo: Callable[[int], None],
    select_coding: Callable[[int], None],
    standard: Sequence,
) -> QMenu:
    menu = QMenu(parent)
    if has_selection:
        header = menu.addAction("Code selection as")
        header.setEnabled(False)
        for code in recent:
            menu.addAction(swatch(code.color), code.name, lambda c=code.id: apply_code(c))
        add_code_tree(menu.addMenu("All codes"), codes, apply_code)
        menu.addAction("In-vivo code (name a new code after the selection)", in_vivo)
        menu.addSeparator()
    for coding in under_mouse:
        sub = menu.addMenu(swatch(coding.color), coding_label(coding))
        add_coding_actions(
            sub, coding, codes, remove=remove, recode=recode, memo=memo, select_coding=select_coding
        )
    if under_mouse:
        menu.addSeparator()
    for action in standard:
        menu.addAction(action)
    return menu


def add_coding_actions(
    menu: QMenu,
    coding: ShownCoding,
    codes: Sequence,
    *,
    remove: Callable[[int], None],
    recode: Callable[[int, int], None],
    memo: Callable[[int], None],
    select_coding: Callable[[int], None],
) -> None:
    menu.addAction("Select coded text", lambda: select_coding(coding.id))
    menu.addAction("Remove coding", lambda: remove(coding.id))
    add_code_tree(
        menu.addMenu("Re-code as"), codes, lambda code_id: recode(coding.id, code_id), exclude=coding.code_id
    )
    menu.addAction("Edit memo…" if coding.memo else "Add memo…", lambda: memo(coding.id))


def build_stripe_menu(parent: QWidget, coding: ShownCoding, codes: Sequence, **callbacks) -> QMenu:
    menu = QMenu(parent)
    title = menu.addAction(swatch(coding.color), coding_label(coding))
    title.setEnabled(False)
    menu.addSeparator()
    add_coding_actions(menu, coding, codes, **callbacks)
    return menu
