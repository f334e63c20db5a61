"""The settings dialog: the core settings a person changes (declared once in ``hoteltv.config.SETTINGS``).

Interface language (takes effect at the next start, which the dialog says), issuing authority printed
on notices, default days to rectify, and the size/quality of the photo copies. Values are written to
the data folder's ``settings.json`` through the job runner; Qt's own settings keep window state only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hoteltv.config import SETTINGS
from ui.context import AppContext

#: Interface languages offered: (settings value, name shown in that language).
LANGUAGES = (("zh_CN", "中文(简体)"), ("en", "English"))

_LIMITS = {
    "notice_deadline_days": (1, 180),
    "photo_long_edge": (320, 8000),
    "photo_quality": (30, 100),
}


class SettingsDialog(QDialog):
    """Edit the core settings of the open data folder. Emits ``sig_saved`` with the changed keys."""

    sig_saved = Signal(list)
    """Settings were written: the keys that changed."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("设置"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        defaults = {s.key: s.default for s in SETTINGS}
        settings = ctx.settings

        self.language = QComboBox()
        self.language.setObjectName("language")
        for value, name in LANGUAGES:
            self.language.addItem(name, value)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.get("language"))))
        self.language_note = QLabel(self.tr("更改语言后需重新启动程序才生效。"))
        self.language_note.setObjectName("languageNote")
        self.language_note.setStyleSheet("color: #555555;")
        self.authority = QLineEdit(settings.get("authority"))
        self.authority.setObjectName("authority")
        self.authority.setPlaceholderText(str(defaults["authority"]))
        self.deadline = self._spin("notice_deadline_days", self.tr(" 天"))
        self.long_edge = self._spin("photo_long_edge", self.tr(" 像素"))
        self.quality = self._spin("photo_quality", "")

        form = QFormLayout()
        form.addRow(self.tr("界面语言"), self.language)
        form.addRow("", self.language_note)
        form.addRow(self.tr("发文机关(整改通知落款)"), self.authority)
        form.addRow(self.tr("整改期限默认"), self.deadline)
        form.addRow(self.tr("照片副本长边"), self.long_edge)
        form.addRow(self.tr("照片副本质量 (JPEG)"), self.quality)
        folder = QLabel(str(ctx.home))
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("数据目录"), folder)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _spin(self, key: str, suffix: str) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(key)
        low, high = _LIMITS[key]
        box.setRange(low, high)
        box.setSuffix(suffix)
        box.setValue(int(self.ctx.settings.get(key)))
        return box

    def values(self) -> dict[str, Any]:
        return {
            "language": self.language.currentData(),
            "authority": self.authority.text().strip() or self.authority.placeholderText(),
            "notice_deadline_days": self.deadline.value(),
            "photo_long_edge": self.long_edge.value(),
            "photo_quality": self.quality.value(),
        }

    def save(self) -> None:
        settings = self.ctx.settings
        changed = {k: v for k, v in self.values().items() if settings.get(k) != v}
        if not changed:
            self.accept()
            return
        self.buttons.setEnabled(False)

        def job(_progress: Any) -> list[str]:
            for key, value in changed.items():
                settings.set(key, value)
            return list(changed)

        def done(keys: list[str]) -> None:
            self.sig_saved.emit(keys)
            self.accept()

        def failed(exc: Exception) -> None:
            self.buttons.setEnabled(True)
            from ui.messages import show_error

            show_error(self, exc)

        self.ctx.runner.submit(job, on_done=done, on_error=failed, label=self.tr("保存设置"))
