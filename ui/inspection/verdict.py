"""The live result beside the form: 合格 / 基本合格 / 不合格 (for a draft the core's provisional headline:
暂无不合格项（未完成） until every required item is answered, never 合格), the failed items with the rule each breaks,
what is still missing before the record can be finalized, and on a re-inspection the earlier failures
with how each stands now. Every line links to its item (``sig_navigate``).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from hoteltv.domain.checklist import ChecklistTemplate
from hoteltv.domain.lifecycle import Blocker
from hoteltv.services.inspections import InspectionView, finalize_problems
from hoteltv.services.notices import NoticeItem
from ui.inspection.texts import (
    answer_text,
    headline_text,
    lang_of,
    place_text,
    problem_text,
    result_text,
)
from ui.messages import fill

LINK = "color:#1f4fbf; text-decoration:none"
RESULT_COLOURS = {"pass": "#1d7a3a", "basic": "#b86e00", "fail": "#c0262d", None: "#5f6670"}


def nav_link(room_id: str | None, key: str) -> str:
    """The link of an item (``room_id`` None: hotel-level) or of a header field (``key`` only)."""
    return f"goto:{room_id or ''}:{key}"


class VerdictPanel(QWidget):
    """Shows the verdict of the current view; ``update_view`` after every save."""

    sig_navigate = Signal(str, str)
    """(room id or "", item key or header field) the user clicked."""

    MAX_MISSING_LABELS = 3

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.lang = lang_of(language)
        self.setObjectName("verdictPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)

        caption = QLabel(self.tr("检查结果"), self)
        caption.setObjectName("panelCaption")
        outer.addWidget(caption)
        self.result = QLabel(self)
        self.result.setObjectName("resultLabel")
        self.result.setWordWrap(True)  # "No failed items so far (incomplete)" is wider than the panel
        outer.addWidget(self.result)
        self.summary = QLabel(self)
        self.summary.setObjectName("hintText")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(0, 0, 6, 0)
        self.failed_title, self.failed = self._section(body)
        self.missing_title, self.missing = self._section(body)
        self.earlier_title, self.earlier = self._section(body)
        self._body.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

    def _section(self, body: QWidget) -> tuple[QLabel, QLabel]:
        title = QLabel(body)
        title.setObjectName("sectionTitle")
        text = QLabel(body)
        text.setObjectName("sectionText")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        text.setOpenExternalLinks(False)
        text.linkActivated.connect(self._link)
        self._body.addWidget(title)
        self._body.addWidget(text)
        return title, text

    def _link(self, href: str) -> None:
        _, room_id, key = href.split(":", 2)
        self.sig_navigate.emit(room_id, key)

    def update_view(
        self, view: InspectionView, template: ChecklistTemplate, earlier: list[NoticeItem]
    ) -> None:
        verdict = view.verdict
        if view.editable:
            # A draft shows the core's headline: provisional (never 合格) until every required item is in.
            headline = verdict.headline
            result = headline.result
            label = headline_text(headline, self.language)
        else:
            result = view.result  # type: ignore[assignment]
            label = result_text(view.result, self.language)
        colour = RESULT_COLOURS.get(result, RESULT_COLOURS[None])
        self.result.setText(f'<span style="color:{colour}">{escape(label)}</span>')
        self.result.setProperty("provisional", view.editable and verdict.provisional)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
        room_ids = {r.room_number: r.id for r in view.rooms}
        applicable = [o for o in verdict.outcomes if o.applicable and template.item(o.item_key).required]
        answered = sum(1 for o in applicable if o.value is not None)
        summary = fill(self.tr("已填 %1 / %2 项"), str(answered), str(len(applicable)))
        if template.room_items:
            summary += self.tr(" · 抽查 %3 间（至少 %4 间）")
            summary = summary.replace("%3", str(len(view.rooms))).replace("%4", str(template.min_rooms))
        self.summary.setText(summary)

        # Failed items, each with the rule it breaks.
        lines = []
        for f in verdict.failed:
            item = template.item(f.item_key)
            where = place_text(f.room_label, template.wording.site.get(self.lang))
            link = nav_link(room_ids.get(f.room_label or ""), f.item_key)
            severity = self.tr("关键项") if f.severity == "critical" else self.tr("一般项")
            rule = f.rule_zh if self.lang == "zh" else f.rule_en
            lines.append(
                f'<p style="margin:0 0 6px 0"><a style="{LINK}" href="{link}">{escape(where)} · {escape(item.label.get(self.lang))}</a>'
                f" = <b>{escape(answer_text(item, f.value, self.lang))}</b>"
                f' <span style="color:#8a4b00">[{escape(severity)}]</span><br/>'
                f'<span style="color:#c0262d">{escape(rule)}</span></p>'
            )
        self.failed_title.setText(self.tr("不合格项（%1）").replace("%1", str(len(verdict.failed))))
        self.failed.setText("".join(lines) or escape(self.tr("无")))

        # What still stops finalizing: header fields first, then unanswered items grouped by place.
        missing_lines = []
        for problem in finalize_problems(view) if view.editable else []:
            if problem.code == Blocker.UNANSWERED:
                continue  # listed per place below
            text = problem_text(problem, self.lang, site=template.wording.site.get(self.lang))
            missing_lines.append(
                f'<a style="{LINK}" href="{nav_link(None, problem.where)}">{escape(text)}</a>'
            )
        by_place: dict[str | None, list[str]] = {}
        first_key: dict[str | None, str] = {}
        if view.editable:
            for m in verdict.missing:
                by_place.setdefault(m.room_label, []).append(m.label_zh if self.lang == "zh" else m.label_en)
                first_key.setdefault(m.room_label, m.item_key)
        site = template.wording.site.get(self.lang)
        for place, labels in by_place.items():
            shown = self.tr("、").join(labels[: self.MAX_MISSING_LABELS]) + (  # list separator
                "…" if len(labels) > self.MAX_MISSING_LABELS else ""
            )
            link = nav_link(room_ids.get(place or ""), first_key[place])
            missing_lines.append(
                f'<a style="{LINK}" href="{link}">{escape(place_text(place, site))}</a>'
                + escape(fill(self.tr("：%1 项未填（%2）"), str(len(labels)), shown))
            )
        self.missing_title.setText(self.tr("定稿前还需完成（%1）").replace("%1", str(len(missing_lines))))
        self.missing_title.setVisible(view.editable)
        self.missing.setVisible(view.editable)
        self.missing.setText("<br/>".join(missing_lines) or escape(self.tr("已全部完成，可以定稿")))

        # Re-inspection: the notice's problems and how each stands now.
        self.earlier_title.setVisible(bool(earlier))
        self.earlier.setVisible(bool(earlier))
        if earlier:
            rows = []
            for e in earlier:
                try:
                    now = verdict.outcome(e.item_key, e.room)
                except KeyError:
                    now = None
                # Texts translated outside the f-strings: lupdate does not look inside f-strings.
                if now is None or now.value is None:
                    colour, words = "#5f6670", self.tr("尚未复查")
                elif now.passed is False:
                    colour, words = "#c0262d", self.tr("✗ 仍不符合")
                else:
                    colour, words = "#1d7a3a", self.tr("✓ 已整改")
                state = f'<span style="color:{colour}">{escape(words)}</span>'
                known = template.item(e.item_key) if template.has_item(e.item_key) else None
                label = known.label.get(self.lang) if known else e.label
                before = answer_text(known, e.value, self.lang) if known else str(e.value)
                link = nav_link(room_ids.get(e.room or ""), e.item_key)
                last_time = self.tr("上次：%1").replace("%1", before)
                rows.append(
                    f'<p style="margin:0 0 6px 0"><a style="{LINK}" href="{link}">{escape(place_text(e.room))} · {escape(label)}</a>'
                    f"<br/>{escape(last_time)} → {state}</p>"
                )
            self.earlier_title.setText(self.tr("整改通知所列问题（%1）").replace("%1", str(len(earlier))))
            self.earlier.setText("".join(rows))
