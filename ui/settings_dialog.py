"""The settings dialog: the core settings a person changes (declared once in ``hoteltv.config.SETTINGS``).

Interface language and the city whose counties this laptop works in (Baoshan's shipped list, or any city
of the shipped Yunnan list; both take effect at the next start, which the dialog says), issuing authority printed
on notices, default days to rectify, what a notice states (文号 prefix, this laptop's fallback tag, the
general legal basis, the bodies for 行政复议 and 行政诉讼), and the size/quality of the photo copies. Values are written to
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

#: The shipped province list whose cities a laptop may choose (``resources/divisions/yunnan.json``).
PROVINCE = "yunnan"

#: Interface languages offered: (settings value, name shown in that language).
LANGUAGES = (("zh_CN", "中文（简体）"), ("en", "English"))

_LIMITS = {
    "notice_deadline_days": (1, 180),
    "photo_long_edge": (320, 8000),
    "photo_quality": (30, 100),
}


def city_choices(division_file: str, division_city: str) -> list[tuple[str, tuple[str, str]]]:
    """The cities offered: (name shown, (division_file, division_city) settings). Baoshan is the shipped
    default (both settings empty), the other cities come from the shipped province list; a file set by
    hand stays offered as it is."""
    from hoteltv.domain.divisions import default_divisions, load_division_lists

    baoshan = default_divisions()
    out = [(baoshan.city_name, ("", ""))]
    out += [(c.city_name, (PROVINCE, c.city_code)) for c in load_division_lists(PROVINCE) if c != baoshan]
    if (division_file, division_city) not in {choice for _name, choice in out}:
        out.append((f"{division_file} {division_city}".strip(), (division_file, division_city)))
    return out


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
        self.city = QComboBox()
        self.city.setObjectName("city")
        current = (settings.get("division_file"), settings.get("division_city"))
        for name, choice in city_choices(*current):
            self.city.addItem(name, "\t".join(choice))  # a string: findData compares it reliably
        self.city.setCurrentIndex(max(0, self.city.findData("\t".join(current))))
        self.language_note = QLabel(self.tr("更改语言或所在市后需重新启动程序才生效。"))
        self.language_note.setObjectName("languageNote")
        self.language_note.setStyleSheet("color: #555555;")
        self.authority = QLineEdit(settings.get("authority"))
        self.authority.setObjectName("authority")
        self.authority.setPlaceholderText(str(defaults["authority"]))
        self.deadline = self._spin("notice_deadline_days", self.tr(" 天"))
        # What an enforcement notice states (docs/numbering.md); blank keeps the declared default.
        self.notice_fields = {
            key: self._line(key, str(defaults[key]))
            for key in (
                "notice_number_prefix",
                "notice_device_tag",
                "notice_legal_basis",
                "review_body",
                "litigation_court",
            )
        }
        self.notice_fields["notice_device_tag"].setPlaceholderText(self.tr("空：按设备编号自动生成"))
        self.long_edge = self._spin("photo_long_edge", self.tr(" 像素"))
        self.quality = self._spin("photo_quality", "")

        form = QFormLayout()
        form.addRow(self.tr("界面语言"), self.language)
        form.addRow(self.tr("所在市（县区列表）"), self.city)
        form.addRow("", self.language_note)
        form.addRow(self.tr("发文机关（整改通知落款）"), self.authority)
        form.addRow(self.tr("整改期限默认"), self.deadline)
        form.addRow(self.tr("通知书文号前缀"), self.notice_fields["notice_number_prefix"])
        form.addRow(self.tr("本机备用文号标识"), self.notice_fields["notice_device_tag"])
        form.addRow(self.tr("通知书总体依据"), self.notice_fields["notice_legal_basis"])
        form.addRow(self.tr("行政复议机关"), self.notice_fields["review_body"])
        form.addRow(self.tr("行政诉讼法院"), self.notice_fields["litigation_court"])
        form.addRow(self.tr("照片副本长边"), self.long_edge)
        form.addRow(self.tr("照片副本质量 (JPEG)"), self.quality)
        # Read-only field, not a label: a long folder path scrolls inside it instead of widening the dialog.
        folder = QLineEdit(str(ctx.home))
        folder.setObjectName("dataFolder")
        folder.setReadOnly(True)
        folder.setToolTip(str(ctx.home))
        folder.setCursorPosition(0)
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

    def _line(self, key: str, default: str) -> QLineEdit:
        edit = QLineEdit(str(self.ctx.settings.get(key)))
        edit.setObjectName(key)
        edit.setPlaceholderText(default)
        return edit

    def values(self) -> dict[str, Any]:
        notice = {
            key: edit.text().strip() or (edit.placeholderText() if key != "notice_device_tag" else "")
            for key, edit in self.notice_fields.items()
        }
        division_file, division_city = str(self.city.currentData()).split("\t")
        return notice | {
            "language": self.language.currentData(),
            "division_file": division_file,
            "division_city": division_city,
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

        values = self.values()
        tag, prefix = str(values["notice_device_tag"]), str(values["notice_number_prefix"])
        device_id = self.ctx.db.device_id

        def job(_progress: Any) -> list[str]:
            from hoteltv.services import numbering

            # A tag or prefix a notice could not be numbered with is refused here, not at issue time.
            numbering.device_tag(tag, device_id)
            numbering.check_prefix(prefix)
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
