"""The one place that turns core errors into words on screen.

The core raises typed errors (``HoteltvError`` and its kinds, ``ValidationError`` with ``problems``,
``ImportRefused`` with ``missing_columns``); :func:`show_error` shows any of them in a message box, and
anything unexpected as "意外错误" with the traceback under "Show Details". Core messages are often
written "中文 (English)": :func:`localize` keeps the half that matches the interface language.

Boxes are opened window-modal with ``open()`` (not ``exec()``), so the event loop keeps running and a
test can find and close them.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from hoteltv.errors import HoteltvError, ImportRefused, ValidationError

# "中文说明 (english explanation)": Chinese first, the English in ASCII brackets at the very end.
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff].*?)\s*\((?P<en>[^()\u3400-\u9fff]+)\)\s*$", re.S)

#: Problems listed in a box before "… and N more".
MAX_PROBLEMS = 20


translate = QCoreApplication.translate

_PLACEHOLDER = re.compile(r"%(\d+)")


def fill(text: str, *values: object) -> str:
    """``text`` with ``%1``, ``%2`` … replaced by ``values`` in one pass, as Qt's ``arg()`` does: a value
    that itself holds ``%2`` (a folder named ``数据%20``, a hotel name) stays as it is. A placeholder
    without a value is left alone."""

    def value(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return str(values[n - 1]) if 0 < n <= len(values) else m.group(0)

    return _PLACEHOLDER.sub(value, text)


#: Application property holding the interface language in force (set by ``ui.app.install_translators``).
LANGUAGE_PROPERTY = "hoteltvLanguage"


def interface_language() -> str:
    """The interface language in force: "zh_CN" (default) or "en"."""
    app = QCoreApplication.instance()
    value = app.property(LANGUAGE_PROPERTY) if app is not None else None
    return "en" if value == "en" else "zh_CN"


# Clauses of a message joined with ";" or "；" right after a clause's closing bracket:
# "中文A (English A); 中文B (English B)".
_CLAUSE_BREAK = re.compile(r"(?<=\))\s*[;；]\s*")


def localize(text: str, language: str | None = None) -> str:
    """Keep the Chinese or the English half of a bilingual core message; other text comes back as is.

    Every clause counts: "中文A (English A); 中文B (English B)" is "English A; English B" in English and
    "中文A；中文B" in Chinese. A clause without an English half is kept as it is.
    """
    clauses = _CLAUSE_BREAK.split(text or "")
    matches = [_BILINGUAL.match(c) for c in clauses]
    if not any(matches):
        return text
    english = (language or interface_language()) == "en"
    parts = [
        (m["en"] if english else m["zh"]).strip() if m is not None else c.strip()
        for c, m in zip(clauses, matches, strict=True)
    ]
    return ("; " if english else "；").join(parts)


def error_texts(exc: BaseException) -> tuple[str, str, str]:
    """(title, text, details) describing ``exc`` for a person."""
    if isinstance(exc, ImportRefused):
        text = localize(exc.message)
        if exc.missing_columns:
            text += "\n\n" + translate("messages", "缺少必需的列：") + "、".join(exc.missing_columns)
        return translate("messages", "无法导入"), text, ""
    if isinstance(exc, ValidationError):
        lines = [localize(exc.message)]
        problems = [f"• {_problem_text(p.where, p.message)}" for p in exc.problems[:MAX_PROBLEMS]]
        if len(exc.problems) > MAX_PROBLEMS:
            problems.append(
                translate("messages", "……另有 %1 项").replace("%1", str(len(exc.problems) - MAX_PROBLEMS))
            )
        if problems:
            lines += ["", *problems]
        return translate("messages", "未保存"), "\n".join(lines), ""
    if isinstance(exc, HoteltvError):
        return translate("messages", "操作未完成"), localize(exc.message), ""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return (
        translate("messages", "意外错误"),
        translate("messages", "程序遇到了意外错误，操作未完成。") + f"\n\n{type(exc).__name__}: {exc}",
        details,
    )


def _problem_text(where: str, message: str) -> str:
    return f"{where}: {localize(message)}" if where else localize(message)


def show_error(parent: QWidget | None, exc: BaseException, context: str = "") -> QMessageBox:
    """Show ``exc`` in a window-modal message box (non-blocking); returns the box. GUI thread only."""
    title, text, details = error_texts(exc)
    if context:
        text = f"{context}\n\n{text}"
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def error_shower(parent: QWidget | None, context: str = "") -> Callable[[Exception], None]:
    """An ``on_error`` callback for a background job: :func:`show_error` under ``parent``."""

    def shown(exc: Exception) -> None:
        show_error(parent, exc, context)

    return shown


def show_info(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A short non-blocking notice (e.g. "导入完成"). GUI thread only."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def confirm_discard(parent: QWidget, what: str) -> bool:
    """Ask before a draft is thrown away (the default answer keeps it); ``what`` names the draft."""
    return ask(
        parent,
        translate("messages", "放弃草稿"),
        translate("messages", "放弃这份草稿？已填写的内容将不再显示（审计记录中仍保留）。"),
        translate("messages", "放弃草稿"),
        translate("messages", "保留"),
        icon=QMessageBox.Icon.Warning,
        yes_role=QMessageBox.ButtonRole.DestructiveRole,
        default=False,
        informative=what,
    )


def confirm_delete_hotel(parent: QWidget, name: str) -> bool:
    """Ask before a hotel is deleted (its drafts go with it; the default answer keeps it)."""
    return ask(
        parent,
        translate("messages", "删除酒店"),
        translate("messages", "删除酒店“%1”？它的草稿一并放弃；有定稿记录的酒店不能删除。").replace(
            "%1", name
        ),
        translate("messages", "删除"),
        translate("messages", "保留"),
        icon=QMessageBox.Icon.Warning,
        yes_role=QMessageBox.ButtonRole.DestructiveRole,
        default=False,
    )


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    yes: str,
    no: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
    yes_role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole,
    default: bool | None = None,
    informative: str = "",
) -> bool:
    """A blocking question with two buttons, ``yes`` then ``no``; True when ``yes`` was clicked.

    ``default`` makes ``yes`` (True) or ``no`` (False) the button Enter presses; None leaves it to Qt.
    """
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    if informative:
        box.setInformativeText(informative)
    yes_button = box.addButton(yes, yes_role)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    if default is not None:
        box.setDefaultButton(yes_button if default else no_button)
    box.exec()
    return box.clickedButton() is yes_button


def ask_later(
    parent: QWidget,
    name: str,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    yes: QMessageBox.StandardButton,
    on_yes: Callable[[], None],
) -> QMessageBox:
    """A non-blocking question (window-modal, ``open()``) with standard ``buttons``; ``on_yes`` runs when
    the button ``yes`` is clicked. Returns the box (object name ``name``), which deletes itself on close."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(button: QAbstractButton) -> None:
        if box.standardButton(button) == yes:
            on_yes()

    box.buttonClicked.connect(answered)
    box.open()
    return box
