"""The inspection window's side panel: the live verdict and the record's actions (定稿, 下发整改通知,
更正, 版本记录, 放弃草稿, 手机拍照, 打印, 打印整改通知书, 整改延期).

The panel only shows the buttons that apply to the record; :class:`ui.inspection.controller.InspectionActions`
does what they ask.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from hoteltv.services.inspections import InspectionSummary, InspectionView
from hoteltv.services.notices import NoticeView
from ui.inspection.texts import result_text
from ui.inspection.verdict import VerdictPanel
from ui.messages import fill


class SidePanel(QWidget):
    """The verdict and the action buttons beside the form."""

    sig_open_version = Signal(str)
    """An older or newer version was picked in 版本记录: its inspection id."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setMinimumWidth(320)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.verdict_panel = VerdictPanel(language, self)
        layout.addWidget(self.verdict_panel, 1)
        self.finalize_button = QPushButton(self.tr("定稿…"), self)
        self.finalize_button.setObjectName("primaryButton")
        self.finalize_button.setToolTip(self.tr("检查完成后定稿；定稿后记录不能再修改"))
        layout.addWidget(self.finalize_button)
        self.notice_button = QPushButton(self.tr("下发整改通知…"), self)
        self.notice_button.setObjectName("primaryButton")
        layout.addWidget(self.notice_button)
        buttons = QHBoxLayout()
        self.correct_button = QPushButton(self.tr("更正…"), self)
        self.correct_button.setToolTip(self.tr("生成一个更正版本（草稿）；原记录保持不变，两者都留在历史中"))
        buttons.addWidget(self.correct_button)
        self.history_button = QToolButton(self)
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.history_menu = QMenu(self.history_button)
        self.history_button.setMenu(self.history_menu)
        buttons.addWidget(self.history_button)
        self.discard_button = QPushButton(self.tr("放弃草稿…"), self)
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.setToolTip(self.tr("不再保留这份草稿（记录作废并同步；审计记录中仍保留）"))
        buttons.addWidget(self.discard_button)
        layout.addLayout(buttons)
        self.phone_button = QPushButton(self.tr("手机拍照…"), self)
        self.phone_button.setObjectName("phoneButton")
        self.phone_button.setToolTip(
            self.tr("显示二维码：用手机拍照，照片直接传到本检查记录（手机与电脑在同一网络）")
        )
        layout.addWidget(self.phone_button)
        prints = QHBoxLayout()
        self.print_button = QPushButton(self.tr("打印…"), self)
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip(self.tr("打印现场检查记录（Ctrl+P）；草稿打印时带“草稿”水印"))
        prints.addWidget(self.print_button)
        self.print_notice_button = QPushButton(self.tr("打印整改通知书…"), self)
        self.print_notice_button.setObjectName("printNoticeButton")
        self.print_notice_button.setToolTip(self.tr("打印本次检查下发的整改通知书（含送达回证）"))
        self.print_notice_button.hide()
        prints.addWidget(self.print_notice_button)
        self.extend_notice_button = QPushButton(self.tr("整改延期…"), self)
        self.extend_notice_button.setObjectName("extendNoticeButton")
        self.extend_notice_button.setToolTip(
            self.tr("延长整改期限：生成整改通知书的新版本（已下发的通知书不能修改）")
        )
        self.extend_notice_button.hide()
        prints.addWidget(self.extend_notice_button)
        layout.addLayout(prints)

    def update_actions(self, view: InspectionView, issued_notice: NoticeView | None) -> None:
        """Show the buttons that apply to ``view`` (and to the notice it issued, if any)."""
        finalized = view.status == "finalized"
        current = view.correction_id is None  # corrected, or a correction under way: not again, no notice
        self.finalize_button.setVisible(view.editable)
        self.phone_button.setVisible(view.editable)
        self.correct_button.setVisible(finalized and current)
        self.discard_button.setVisible(view.editable)
        self.notice_button.setVisible(
            finalized and current and view.result in ("fail", "basic") and view.issued_notice_id is None
        )
        self.print_notice_button.setVisible(issued_notice is not None)
        self.extend_notice_button.setVisible(issued_notice is not None and issued_notice.status == "open")

    def update_history(self, history: list[InspectionSummary], current_id: str | None) -> None:
        """List the record's versions in 版本记录 (the one shown is ticked)."""
        self.history_menu.clear()
        self.history_button.setText(self.tr("版本记录（%1）").replace("%1", str(len(history))))
        for n, version in enumerate(history, start=1):
            status = self.tr("草稿") if version.status == "draft" else self.tr("已定稿")
            text = fill(self.tr("第 %1 版 · %2 · %3"), str(n), status)
            text = text.replace("%3", result_text(version.result, self.language) if version.result else "—")
            if version.superseded:
                text += self.tr("（已被更正）")
            action = self.history_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(version.id == current_id)
            action.setData(version.id)
            action.triggered.connect(lambda _c=False, vid=version.id: self.sig_open_version.emit(vid))
