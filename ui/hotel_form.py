"""The add/edit hotel dialog: collects a ``HotelInput``, shows the core's validation beside each field.

Checking and normalising is the core's (``hoteltv.services.hotels.validate_hotel``): the dialog asks it
before saving, so mistakes appear at once, under the field they concern (``Problem.where`` is the
field name), and saving goes through the job runner (``create_hotel`` / ``update_hotel`` with the
version the edit started from). Problems the database finds (a duplicate, a concurrent edit) come back
the same way. Tab order is the order of the form: left column top to bottom, then the right one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hoteltv.domain import sites
from hoteltv.domain.hotel import HotelInput, HotelView
from hoteltv.domain.modes import mode_catalog
from hoteltv.errors import HoteltvError, Problem, ValidationError
from ui.context import AppContext
from ui.hotel_table_model import core_language
from ui.messages import localize, show_error

translate = QCoreApplication.translate

ERROR_STYLE = "color: #b3261e;"
MAX_COUNT = 100_000


class HotelFormDialog(QDialog):
    """Add a hotel (``hotel=None``) or edit one. Emits ``sig_saved`` with the stored ``HotelView``."""

    sig_saved = Signal(object)
    """The hotel was saved: the ``HotelView`` as stored."""

    def __init__(
        self, ctx: AppContext, hotel: HotelView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.hotel = hotel
        self.saved: HotelView | None = None
        self.setObjectName("hotelForm")
        self.setWindowTitle(
            self.tr("新增酒店") if hotel is None else self.tr("编辑酒店 — %1").replace("%1", hotel.name)
        )
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._build()
        if hotel is not None:
            self._load(hotel)
        self.fields["name"].setFocus()

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        lang = core_language(self.ctx.language)
        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        name = QLineEdit()
        name.setMaxLength(200)
        division = QComboBox()
        for d in self.ctx.divisions.divisions:
            division.addItem(d.name, d.code)
        address = QLineEdit()
        credit = QLineEdit()
        credit.setPlaceholderText(self.tr("18位，如 91530502MA6K000000"))
        star = QComboBox()
        star.addItem(self.tr("（未填）"), None)
        for n, text in enumerate(
            (
                self.tr("无星级"),
                self.tr("一星"),
                self.tr("二星"),
                self.tr("三星"),
                self.tr("四星"),
                self.tr("五星"),
            )
        ):
            star.addItem(text, n)
        rooms = self._count_box()
        tvs = self._count_box()
        tv_system = QLineEdit()
        tv_system.setPlaceholderText(self.tr("如 云南广电网络有线电视、中国电信IPTV"))
        contact = QLineEdit()
        phone = QLineEdit()
        phone.setPlaceholderText(self.tr("手机或 0875-2123456"))
        person = QLineEdit()
        pilot = QCheckBox(self.tr("列入试点"))
        catalog = mode_catalog()
        target = QComboBox()
        target.addItem(self.tr("（未设定）"), None)
        current = QComboBox()
        for m in catalog.modes:
            current.addItem(m.label(lang), m.key)
            if m.key != "none":
                target.addItem(m.label(lang), m.key)
        current.setCurrentIndex(current.findData("none"))
        kind = QComboBox()
        for k in sites.SITE_KINDS:
            kind.addItem(k.label(lang), k.key)
        notes = QPlainTextEdit()
        notes.setTabChangesFocus(True)
        notes.setFixedHeight(60)

        left = QGroupBox(self.tr("基本信息"))
        left_form = QFormLayout(left)
        right = QGroupBox(self.tr("电视与联系人"))
        right_form = QFormLayout(right)
        rows: list[tuple[QFormLayout, str, str, QWidget]] = [
            (left_form, "name", self.tr("酒店名称 *"), name),
            (left_form, "division_code", self.tr("所属县区 *"), division),
            (left_form, "site_kind", self.tr("场所类型"), kind),
            (left_form, "address", self.tr("地址"), address),
            (left_form, "credit_code", self.tr("统一社会信用代码"), credit),
            (left_form, "star_class", self.tr("星级"), star),
            (left_form, "rooms", self.tr("客房数"), rooms),
            (left_form, "tvs", self.tr("电视数"), tvs),
            (right_form, "tv_system", self.tr("电视系统/运营商"), tv_system),
            (right_form, "current_mode", self.tr("当前模式"), current),
            (right_form, "target_mode", self.tr("目标模式"), target),
            (right_form, "pilot", self.tr("试点"), pilot),
            (right_form, "contact_name", self.tr("联系人"), contact),
            (right_form, "contact_phone", self.tr("联系电话"), phone),
            (right_form, "person_in_charge", self.tr("负责人"), person),
        ]
        for form, key, label, widget in rows:
            form.addRow(label, self._with_error(key, widget))
        for form in (left_form, right_form):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        notes_box = QGroupBox(self.tr("备注"))
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.addWidget(self._with_error("notes", notes))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(left, 1)
        columns.addWidget(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(columns)
        layout.addWidget(notes_box)
        layout.addWidget(self.buttons)

        order = [w for _, _, _, w in rows] + [notes, self.save_button]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.setMinimumWidth(860)

    def _count_box(self) -> QSpinBox:
        box = QSpinBox()
        # The minimum stands for "not filled in"; the core still checks the number.
        box.setRange(-1, MAX_COUNT)
        box.setSpecialValueText(self.tr("（未填）"))
        box.setValue(-1)
        return box

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        """The field and, under it, its (normally hidden) error message."""
        widget.setObjectName(key)
        self.fields[key] = widget
        error = QLabel()
        error.setObjectName(f"{key}_error")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        self.errors[key] = error
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        box.addWidget(error)
        return holder

    # --- values --------------------------------------------------------------------------------

    def _load(self, h: HotelView) -> None:
        f = self.fields
        f["name"].setText(h.name)  # type: ignore[attr-defined]
        division: QComboBox = f["division_code"]  # type: ignore[assignment]
        if division.findData(h.division_code) < 0:
            division.addItem(h.division_name, h.division_code)
        division.setCurrentIndex(division.findData(h.division_code))
        for key in (
            "address",
            "credit_code",
            "tv_system",
            "contact_name",
            "contact_phone",
            "person_in_charge",
        ):
            f[key].setText(getattr(h, key) or "")  # type: ignore[attr-defined]
        for key in ("star_class", "target_mode", "current_mode", "site_kind"):
            combo: QComboBox = f[key]  # type: ignore[assignment]
            combo.setCurrentIndex(max(0, combo.findData(getattr(h, key))))
        for key in ("rooms", "tvs"):
            value = getattr(h, key)
            f[key].setValue(-1 if value is None else value)  # type: ignore[attr-defined]
        f["pilot"].setChecked(h.pilot)  # type: ignore[attr-defined]
        f["notes"].setPlainText(h.notes or "")  # type: ignore[attr-defined]

    def value(self) -> HotelInput:
        """What the form holds, as the core's input type."""
        f = self.fields

        def text(key: str) -> str:
            return f[key].text()  # type: ignore[attr-defined]

        def count(key: str) -> int | None:
            n = f[key].value()  # type: ignore[attr-defined]
            return None if n < 0 else int(n)

        def data(key: str) -> Any:
            return f[key].currentData()  # type: ignore[attr-defined]

        return HotelInput(
            name=text("name"),
            division_code=data("division_code") or "",
            address=text("address"),
            credit_code=text("credit_code"),
            star_class=data("star_class"),
            rooms=count("rooms"),
            tvs=count("tvs"),
            tv_system=text("tv_system"),
            contact_name=text("contact_name"),
            contact_phone=text("contact_phone"),
            person_in_charge=text("person_in_charge"),
            pilot=f["pilot"].isChecked(),  # type: ignore[attr-defined]
            target_mode=data("target_mode"),
            current_mode=data("current_mode"),
            notes=f["notes"].toPlainText(),  # type: ignore[attr-defined]
            site_kind=data("site_kind") or sites.DEFAULT,
        )

    # --- saving --------------------------------------------------------------------------------

    def show_problems(self, problems: list[Problem], message: str = "") -> None:
        """Put each problem under its field (others, and ``message``, at the top); focus the first."""
        for label in self.errors.values():
            label.clear()
            label.hide()
        general: list[str] = []
        first: QWidget | None = None
        for p in problems:
            error = self.errors.get(p.where)
            if error is None:
                general.append(localize(p.message))
                continue
            error.setText("\n".join(filter(None, [error.text(), localize(p.message)])))
            error.show()
            self._mark(self.fields[p.where], True)
            first = first or self.fields[p.where]
        for key, widget in self.fields.items():
            if not self.errors[key].text():
                self._mark(widget, False)
        if message and (general or not problems):
            general.insert(0, localize(message))
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
        if first is not None:
            first.setFocus()

    @staticmethod
    def _mark(widget: QWidget, bad: bool) -> None:
        widget.setProperty("invalid", bad)
        widget.setStyleSheet(
            "border: 1px solid #b3261e;" if bad and not isinstance(widget, QCheckBox) else ""
        )

    def save(self) -> None:
        """Check with the core, then save in the background; the dialog closes once it is stored."""
        from hoteltv.services import hotels as hotel_service

        data, problems = hotel_service.validate_hotel(self.value(), self.ctx.divisions)
        self.show_problems(problems)
        if problems:
            return
        self.save_button.setEnabled(False)
        ctx, hotel = self.ctx, self.hotel
        if hotel is None:

            def job(_progress: Any) -> HotelView:
                return hotel_service.create_hotel(ctx.db, data, ctx.divisions, actor=ctx.actor)

        else:

            def job(_progress: Any) -> HotelView:
                return hotel_service.update_hotel(
                    ctx.db, hotel.id, data, ctx.divisions, base_version=hotel.version, actor=ctx.actor
                )

        ctx.runner.submit(job, on_done=self._saved, on_error=self._failed, label=self.tr("保存酒店"))

    def _saved(self, view: HotelView) -> None:
        self.saved = view
        self.sig_saved.emit(view)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems, exc.message)
        elif isinstance(exc, HoteltvError):
            self.show_problems([], exc.message)
        else:
            show_error(self, exc)
