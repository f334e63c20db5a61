"""The sync panel: server and token, pending changes, last sync, progress, per-record outcomes,
conflicts with both values and buttons to settle them, and refused changes to give up
(:mod:`ui.sync_refused`).

The sync is a :class:`ui.ops.NetworkOp` (a thread of its own: saves go on while it runs or hangs; it
writes in its own short transactions), reads are :class:`ui.ops.ReadOp`, a conflict's resolution a
:class:`ui.ops.WriteOp`; the counts follow the change signal (:mod:`ui.changes`). The widgets only show
what the core (:mod:`hoteltv.sync.client`, :mod:`hoteltv.sync.state`) reports. A sync that failed because
the network or the server was away is tried again automatically with growing pauses (30 s, 1 min, 2 min …
up to 10 min); the panel says when. Reasons are the core's words, shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hoteltv.db.tracking import Changes
from hoteltv.domain import clock
from hoteltv.sync.state import OFFICE_RESOLVES, ConflictView, RecordOutcome, SyncOverview, field_words
from ui.context import AppContext
from ui.list_model import ListTableModel, list_view, selected_row
from ui.ops import NetworkOp, ReadOp, WriteOp
from ui.sync_refused import RefusedChanges, record_kind_text
from ui.update_notice import UpdateNotice

#: Tables whose changes alter what the panel shows (pending count, record states, conflicts).
SHOWN_TABLES = frozenset({"outbox", "sync_conflicts", "sync_record_states", "sync_log"})

#: Pauses before automatic retries after a failed sync (seconds); the last repeats.
RETRY_DELAYS = (30, 60, 120, 300, 600)
MAX_AUTO_RETRIES = 8


def _value_text(value: Any) -> str:
    if value is None:
        return QCoreApplication.translate("SyncPanel", "（空）")
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("SyncPanel", "是")
            if value
            else QCoreApplication.translate("SyncPanel", "否")
        )
    return str(value)


class RecordStatesModel(ListTableModel):
    """Per-record outcomes of the latest syncs: record, type, state, reason."""

    RECORD, KIND, STATE, REASON = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RecordOutcome] = []

    def headers(self) -> tuple[str, ...]:
        return (self.tr("记录"), self.tr("类型"), self.tr("状态"), self.tr("原因"))

    def state_text(self, state: str) -> str:
        names = {
            "pending": self.tr("待发送"),
            "sent": self.tr("已发送"),
            "complete": self.tr("已完整（含全部照片）"),
            "conflict": self.tr("有冲突"),
            "failed": self.tr("失败"),
        }
        return names.get(state, state)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == self.RECORD:
                return row.label
            if col == self.KIND:
                return record_kind_text(row.entity)
            if col == self.STATE:
                return self.state_text(row.state)
            return row.reason
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.reason or None
        if role == Qt.ItemDataRole.UserRole:
            return row.state
        return None


class ConflictsModel(ListTableModel):
    """Open conflicts: record, field, the value in force (and where from), the other value."""

    RECORD, FIELD, KEPT, OTHER, STATE = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ConflictView] = []

    def headers(self) -> tuple[str, ...]:
        return (self.tr("记录"), self.tr("字段"), self.tr("现行值"), self.tr("另一值"), self.tr("状态"))

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == self.RECORD:
                return c.label
            if col == self.FIELD:
                return field_words(c.field)
            # Settled with the other value: it is in force now, and the value given up is the other one.
            taken = c.status != "open" and c.in_force == c.other and c.kept != c.other
            if col == self.KEPT:  # the value in force; the one the conflict found, if edited since
                if c.status == "open" and c.in_force != c.kept:
                    then = self.tr("冲突时：%1").replace("%1", f"{_value_text(c.kept)} ({c.kept_source})")
                    return f"{_value_text(c.in_force)}  ({then})"
                source = c.other_source if taken else c.kept_source
                return f"{_value_text(c.in_force)}  ({source})"
            if col == self.OTHER:
                if taken:
                    return f"{_value_text(c.kept)}  ({c.kept_source})"
                return f"{_value_text(c.other)}  ({c.other_source})"
            return self.tr("待下次同步") if c.status == "resolving" else self.tr("待处理")
        if role == Qt.ItemDataRole.UserRole:
            return c.id
        return None


@dataclass
class _Snapshot:
    overview: SyncOverview
    states: list[RecordOutcome]
    conflicts: list[ConflictView]
    server_url: str
    has_token: bool
    #: Whether this account settles conflicts (an inspector's does not: the office does).
    may_resolve: bool = True


class SyncPanel(QDialog):
    """Sync with the server and see, per record, what happened."""

    sig_synced = Signal(object)
    """A sync finished (successfully or not): the :class:`~hoteltv.sync.client.SyncReport`."""
    sig_failed = Signal(str)
    """A sync could not run: the reason in words."""
    sig_refreshed = Signal()
    """The panel re-read the sync state."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, transport: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._transport = transport  # tests hand in an in-process server
        #: The core's retry policy for each request (None: its default backoff).
        self.retry_policy: Any = None
        self._job: Any = None
        self._running = False
        self._retries = 0
        self._unconfirmed_token = ""
        self.setObjectName("syncPanel")
        self.setWindowTitle(self.tr("同步"))
        self.resize(900, 600)

        self.server = QLineEdit(ctx.settings.get("server_url"))
        self.server.setObjectName("server")
        self.server.setPlaceholderText("https://sync.example.org")
        self.token = QLineEdit()
        self.token.setObjectName("token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.cafile = QLineEdit(ctx.settings.get("sync_cafile"))
        self.cafile.setObjectName("cafile")
        self.cafile.setPlaceholderText(self.tr("可留空：使用系统证书存储"))
        self.cafile.setToolTip(
            self.tr("服务器使用单位自建或政务 CA 证书、且该证书未装入系统时，填写其 CA 证书文件 (PEM) 的路径")
        )
        self.pending = QLabel()
        self.pending.setObjectName("pending")
        self.last = QLabel()
        self.last.setObjectName("last")
        self.last.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.update_notice = UpdateNotice(ctx, self)  # 新版本可用, after a sync (ui/update_notice.py)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setVisible(False)
        self.sync_button = QPushButton(self.tr("立即同步"))
        self.sync_button.setObjectName("syncButton")
        self.cancel_button = QPushButton(self.tr("停止"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setEnabled(False)

        form = QFormLayout()
        form.addRow(self.tr("服务器地址"), self.server)
        form.addRow(self.tr("令牌"), self.token)
        form.addRow(self.tr("CA 证书文件"), self.cafile)
        form.addRow(self.tr("待发送的修改"), self.pending)
        form.addRow(self.tr("上次同步"), self.last)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)

        self.states_model = RecordStatesModel(self)
        self.states_view = list_view(self.states_model, "states")
        self.conflicts_model = ConflictsModel(self)
        self.conflicts_view = list_view(self.conflicts_model, "conflicts")
        self.keep_button = QPushButton(self.tr("保留现行值"))
        self.keep_button.setObjectName("keepButton")
        self.other_button = QPushButton(self.tr("采用另一值"))
        self.other_button.setObjectName("otherButton")
        conflict_buttons = QHBoxLayout()
        conflict_buttons.addWidget(self.keep_button)
        conflict_buttons.addWidget(self.other_button)
        conflict_buttons.addStretch(1)
        conflicts_page = QWidget()
        cl = QVBoxLayout(conflicts_page)
        self.conflicts_hint = QLabel()
        self.conflicts_hint.setObjectName("conflictsHint")
        self.conflicts_hint.setWordWrap(True)
        cl.addWidget(self.conflicts_hint)
        cl.addWidget(self.conflicts_view)
        cl.addLayout(conflict_buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.states_view, self.tr("各记录状态"))
        self.tabs.addTab(conflicts_page, self.tr("冲突"))
        self.refused = RefusedChanges(ctx, self)  # ui/sync_refused.py
        self.tabs.addTab(self.refused, self.tr("被拒绝的修改"))
        self.refused.sig_loaded.connect(
            lambda n: self.tabs.setTabText(2, self.tr("被拒绝的修改 (%1)").replace("%1", str(n)))
        )
        self.refused.sig_dropped.connect(lambda _rows: self.refresh())

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.update_notice)
        layout.addWidget(self.tabs, 1)

        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.start_sync)
        self.sync_button.clicked.connect(self.start_sync)
        self.cancel_button.clicked.connect(self.cancel)
        self._may_resolve = True
        self.conflicts_view.selectionModel().selectionChanged.connect(self._conflict_picked)
        self.keep_button.clicked.connect(lambda: self.resolve_selected("kept"))
        self.other_button.clicked.connect(lambda: self.resolve_selected("other"))
        ctx.changes.sig_changed.connect(self._data_changed)
        self.refresh()

    def _data_changed(self, changes: Changes) -> None:
        """A commit elsewhere (an autosave adds to the pending count): read the state again, except while
        this panel's own sync runs (it reads everything when it ends)."""
        if not self._running and changes.tables & SHOWN_TABLES:
            self.refresh()

    # --- reading the state ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.ctx

        def job(_progress: Any) -> _Snapshot:
            from hoteltv.sync import state
            from hoteltv.sync.credentials import load_token

            url = str(ctx.settings.get("server_url") or "")
            return _Snapshot(
                state.overview(ctx.db),
                state.record_states(ctx.db, limit=2000),
                state.list_conflicts(ctx.db),
                url,
                bool(url and load_token(ctx.home, url, ctx.db.device_id)),
                state.may_resolve(ctx.db),
            )

        ReadOp(ctx, job, label=self.tr("读取同步状态"), parent=self).success(self._show).run()
        self.refused.refresh()

    def _show(self, snap: _Snapshot) -> None:
        o = snap.overview
        self.pending.setText(self.tr("%n 条记录", "", o.pending))
        if o.last is None:
            self.last.setText(self.tr("从未同步"))
        else:
            when = clock.fmt(o.last.finished_at or o.last.started_at)
            refused = int((o.last.summary or {}).get("failed") or 0)
            result = (
                self.tr("未完成")
                if not o.last.ok
                else self.tr("完成，部分修改被拒绝")
                if refused
                else self.tr("成功")
            )
            self.last.setText(f"{when}  {result}  {o.last.message}")
        if snap.has_token and not self.token.text():
            self.token.setPlaceholderText(self.tr("已保存"))
        self.states_model.set_rows(snap.states)
        self.conflicts_model.set_rows(snap.conflicts)
        self._may_resolve = snap.may_resolve
        self._conflict_picked()
        hint = self.tr("同一字段在两处被修改时，暂以服务器的值为准；")
        self.conflicts_hint.setText(
            hint + self.tr("请选择保留哪一个，选择会在下次同步时发送。")
            if snap.may_resolve
            else hint + self.tr("冲突由办公室账号处理，检查员账号只能查看；记录仍可照常修改。")
        )
        self.tabs.setTabText(1, self.tr("冲突 (%1)").replace("%1", str(len(snap.conflicts))))
        self.sig_refreshed.emit()

    # --- syncing -------------------------------------------------------------------------------------------
    def start_sync(self) -> None:
        if self._job is not None:
            return
        running = self.ctx.syncing
        if running is not None and running in self.ctx.runner.network_jobs():
            # started from a panel since closed: it goes on in the background; one sync at a time
            self.message.setText(self.tr("上一次同步仍在进行，请稍后再试。"))
            return
        url = self.server.text().strip().rstrip("/")
        if not url:
            self.message.setText(self.tr("请先填写服务器地址。"))
            return
        # A token typed and not yet accepted by the server (the server was unreachable) is kept in memory
        # for the automatic retries; it is saved only once the server accepts it.
        typed = self.token.text().strip() or self._unconfirmed_token
        self._unconfirmed_token = typed
        cafile = self.cafile.text().strip()
        ctx, transport, retry = self.ctx, self._transport, self.retry_policy
        self.retry_timer.stop()
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setText(self.tr("正在同步…"))

        def job(progress: Any) -> Any:
            from hoteltv.errors import HoteltvError
            from hoteltv.photos.store import PhotoStore
            from hoteltv.sync.client import SyncClient, SyncError, tls_context
            from hoteltv.sync.credentials import accepted, load_token, remember_accepted, server_address

            address = server_address(url)  # a mistyped address is refused, naming it

            def remember(report: Any) -> None:
                """The token typed, and the address, kept once the server accepted them (not before: a
                typo must not replace what worked)."""
                if typed:
                    remember_accepted(ctx.home, address, ctx.db.device_id, typed, report)
                if accepted(report) and address != ctx.settings.get("server_url"):
                    ctx.settings.set("server_url", address)

            if cafile != ctx.settings.get("sync_cafile"):
                tls_context(cafile)  # an unreadable file is refused, not remembered
                ctx.settings.set("sync_cafile", cafile)
            token = typed or load_token(ctx.home, address, ctx.db.device_id)
            if not token:
                raise HoteltvError("请填写令牌(向管理员申请)(a token is needed; ask your administrator)")
            store = PhotoStore.for_home(ctx.home)
            with SyncClient(
                ctx.db, store, address, token, transport=transport, retry=retry, verify=cafile
            ) as client:
                try:
                    report = client.sync(progress)
                except SyncError as exc:
                    remember(exc.report)
                    raise
                remember(report)
                if report.ok:
                    from hoteltv.sync.updates import try_check_for_update

                    update[:] = [try_check_for_update(client.http)]
                return report

        update: list[Any] = []

        self._running = True
        job_handle = (
            NetworkOp(ctx, job, label=self.tr("同步"), parent=self)
            .success(lambda report: self._done(report, update[0] if update else None, url))
            .failure(self._failed)
            .progress(self._progress)
            .run()
        )
        # A synchronous runner (tests) has finished the job already.
        self._job = job_handle if self._running else None
        ctx.syncing = self._job

    def cancel(self) -> None:
        self.retry_timer.stop()
        if self._job is not None:
            self._job.cancel()
            self.message.setText(self.tr("正在停止，已完成的部分会保留…"))

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.message.setText(text)

    def _finish(self) -> None:
        if self.ctx.syncing is self._job:
            self.ctx.syncing = None
        self._running = False
        self._job = None
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        self.token.clear()

    def _done(self, report: Any, update: Any = None, url: str = "") -> None:
        self._finish()
        self._unconfirmed_token = ""
        self._retries = 0
        text = report.message
        if report.ok and report.failed:
            text += "\n" + self.tr(
                "有 %1 条修改被服务器拒绝，仍待发送：原因见“被拒绝的修改”页，可修改记录后再同步，或放弃该修改。"
            ).replace("%1", str(report.failed))
        self.message.setText(text)
        if report.ok:
            self.update_notice.show_update(update, url, self._transport)
        self.sig_synced.emit(report)
        self.refresh()

    def _failed(self, exc: Exception) -> None:
        self._finish()
        text = str(exc)
        if not getattr(exc, "transient", False):
            self._unconfirmed_token = ""  # refused (or another lasting failure): type it again
        if getattr(exc, "transient", False) and self._retries < MAX_AUTO_RETRIES:
            delay = RETRY_DELAYS[min(self._retries, len(RETRY_DELAYS) - 1)]
            self._retries += 1
            self.retry_timer.start(delay * 1000)
            text += "\n" + self.tr("将在 %1 秒后自动重试。").replace("%1", str(delay))
        self.message.setText(text)
        self.sig_failed.emit(text)
        self.refresh()

    # --- conflicts -----------------------------------------------------------------------------------------
    def _conflict_picked(self, *_args: Any) -> None:
        """The buttons for the conflict picked: an inspector's account settles only those found by a
        bundle import, which no server holds yet (the server's ones are the office's)."""
        picked = self.selected_conflict()
        allowed = self._may_resolve or (picked is not None and picked.server_id is None)
        for button in (self.keep_button, self.other_button):
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else OFFICE_RESOLVES)

    def selected_conflict(self) -> ConflictView | None:
        conflict: ConflictView | None = selected_row(self.conflicts_view, self.conflicts_model)
        return conflict

    def resolve_selected(self, choice: str) -> None:
        conflict = self.selected_conflict()
        if conflict is None:
            self.message.setText(self.tr("请先在列表中选择一个冲突。"))
            return
        ctx = self.ctx

        def job(_progress: Any) -> Any:
            from hoteltv.sync.state import resolve_conflict

            return resolve_conflict(ctx.db, conflict.id, choice, actor=ctx.actor)  # type: ignore[arg-type]

        def done(_view: Any) -> None:
            self.message.setText(self.tr("已记录您的选择，下次同步时发送。"))
            self.refresh()

        def failed(exc: Exception) -> None:
            self.message.setText(str(exc))

        WriteOp(ctx, job, label=self.tr("处理冲突"), parent=self).success(done).failure(failed).run()
