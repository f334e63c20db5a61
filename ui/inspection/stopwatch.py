"""The stopwatch for "power-on to live picture": start when the TV's power button is pressed, stop when
the live picture appears; the seconds go straight into the item's answer.

Any ``seconds`` item gets a stopwatch button beside its input. Only that button and F5 (the window's key
for the main one, so the inspector can keep their eyes on the TV) start it; Space only presses a focused
button, as everywhere in Qt. Esc cancels a running stopwatch without writing anything, and a reading that
would replace a typed or measured value asks first (:class:`ui.inspection.items.ItemRow`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QPushButton, QWidget

TICK_MS = 100


class Stopwatch(QObject):
    """Measures one interval; ``clock`` (milliseconds) can be replaced in tests."""

    sig_tick = Signal(float)
    """Seconds elapsed so far, while running."""
    sig_running = Signal(bool)
    sig_measured = Signal(float)
    """A finished measurement in seconds, rounded to 0.1 s."""

    def __init__(self, parent: QObject | None = None, clock: Callable[[], int] | None = None) -> None:
        super().__init__(parent)
        self._timer = QElapsedTimer()
        self._clock = clock
        self._start_ms = 0
        self._running = False
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(lambda: self.sig_tick.emit(self.elapsed()))

    def _now(self) -> int:
        return self._clock() if self._clock else self._timer.elapsed()

    def is_running(self) -> bool:
        return self._running

    def elapsed(self) -> float:
        return (self._now() - self._start_ms) / 1000 if self._running else 0.0

    def start(self) -> None:
        if self._running:
            return
        if self._clock is None:
            self._timer.start()
        self._start_ms = self._now()
        self._running = True
        self._ticker.start()
        self.sig_running.emit(True)
        self.sig_tick.emit(0.0)

    def stop(self) -> float:
        if not self._running:
            return 0.0
        seconds = round(self.elapsed(), 1)
        self._running = False
        self._ticker.stop()
        self.sig_running.emit(False)
        self.sig_measured.emit(seconds)
        return seconds

    def cancel(self) -> None:
        if self._running:
            self._running = False
            self._ticker.stop()
            self.sig_running.emit(False)

    def toggle(self) -> None:
        if self._running:
            self.stop()
        else:
            self.start()


class StopwatchButton(QPushButton):
    """Start / stop button that shows the running time; ``shortcut_hint`` names its keys (e.g. "F5")."""

    def __init__(self, stopwatch: Stopwatch, shortcut_hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stopwatch = stopwatch
        self._hint = shortcut_hint
        self.setObjectName("stopwatchButton")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.clicked.connect(lambda _checked=False: self.stopwatch.toggle())
        stopwatch.sig_running.connect(self._running)
        stopwatch.sig_tick.connect(self._tick)
        self._running(False)

    def _running(self, running: bool) -> None:
        self.setChecked(running)
        if not running:
            label = self.tr("▶ 开始计时")
            self.setText(f"{label} ({self._hint})" if self._hint else label)
            self.setToolTip(
                self.tr("按下电视电源键时开始，出现直播画面时再按一次停止；Esc 取消。秒数自动填入。")
            )

    def _tick(self, seconds: float) -> None:
        self.setText(self.tr("■ 停止 %1 秒").replace("%1", f"{seconds:.1f}"))
