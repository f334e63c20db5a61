"""Where hoteltv keeps its data, and the core's settings, each declared once with type and default.

The data folder ("home") is, in order: ``--home DIR``, the ``HOTELTV_HOME`` variable, or the user data
folder that platformdirs gives (e.g. ``%LOCALAPPDATA%\\hoteltv`` on Windows, ``~/.local/share/hoteltv``
on Linux). Settings live in ``settings.json`` inside it; Qt's own settings hold window state only.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from hoteltv.domain import clock
from hoteltv.domain.lifecycle import DEFAULT_DEADLINE_DAYS
from hoteltv.errors import HoteltvError
from hoteltv.io.files import FileInUseError, replace_file

APP_NAME = "hoteltv"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use (see module docstring); not created here."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("HOTELTV_HOME")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Setting:
    """One setting: key, type, default and what it is for."""

    key: str
    type: type
    default: Any
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting("language", str, "zh_CN", "Interface language: zh_CN or en"),
    Setting("authority", str, "保山市文化和旅游局", "Issuing authority printed on notices"),
    Setting("notice_deadline_days", int, DEFAULT_DEADLINE_DAYS, "Default days to rectify after a notice"),
    Setting("photo_long_edge", int, 1600, "Long edge in pixels of the downscaled photo copy"),
    Setting("photo_quality", int, 85, "JPEG quality of the downscaled photo copy"),
    Setting(
        "division_file",
        str,
        "",
        "Another city's division list: a file's path or a shipped list's name, e.g. yunnan (empty: Baoshan)",
    ),
    Setting(
        "division_city", str, "", "This laptop's city, by code or name, when division_file is a province's"
    ),
    Setting("server_url", str, "", "Sync server address"),
    Setting(
        "sync_cafile",
        str,
        "",
        "PEM file of a CA the sync client trusts besides the system's certificate store (empty: none)",
    ),
    Setting(
        "notice_number_prefix",
        str,
        "保文旅广电整改",
        "文号 prefix of rectification notices: <prefix>〔<year>〕第<n>号 (see docs/numbering.md)",
    ),
    Setting(
        "notice_device_tag",
        str,
        "",
        "This laptop's tag in the fallback 文号 series, e.g. D3 (empty: the device id's first 4 characters)",
    ),
    Setting(
        "notice_legal_basis",
        str,
        "《广播电视管理条例》和国家广播电视总局、公安部、商务部、文化和旅游部《关于规范酒店电视服务、"
        "加强酒店电视管理的通知》",
        "General legal basis printed on every rectification notice",
    ),
    Setting("review_body", str, "保山市人民政府", "Body that hears an application for 行政复议 (60 days)"),
    Setting("litigation_court", str, "保山市隆阳区人民法院", "Court for a 行政诉讼 (6 months)"),
    Setting(
        "time_zone",
        str,
        "Asia/Shanghai",
        "The bureau's time zone (IANA name): every printed and displayed time is in it",
    ),
)
_BY_KEY = {s.key: s for s in SETTINGS}


def default_of(key: str) -> Any:
    """The declared default of a setting (for code that runs without a data folder's settings)."""
    return _BY_KEY[key].default


class Settings:
    """The core settings of one data folder, read from and written to ``settings.json``."""

    def __init__(self, home: Path) -> None:
        self.path = home / "settings.json"
        self._values: dict[str, Any] = {}
        if self.path.is_file():
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8-sig"))  # a BOM from Notepad is fine
            except (OSError, ValueError) as exc:
                raise HoteltvError(
                    f"{self.path}: settings file unreadable ({exc}); fix or delete it"
                ) from exc
            if isinstance(raw, dict):
                for key, value in raw.items():
                    setting = _BY_KEY.get(key)
                    if setting is not None and isinstance(value, setting.type):
                        self._values[key] = value

    def get(self, key: str) -> Any:
        return self._values.get(key, _BY_KEY[key].default)

    def set(self, key: str, value: Any) -> None:
        setting = _BY_KEY.get(key)
        if setting is None:
            raise HoteltvError(f"unknown setting {key!r}; known: {', '.join(_BY_KEY)}")
        if not isinstance(value, setting.type):
            try:
                value = setting.type(value)
            except (TypeError, ValueError) as exc:
                raise HoteltvError(f"setting {key} needs a {setting.type.__name__}, not {value!r}") from exc
        if key == "time_zone":
            clock.zone(value)  # an unknown zone: a clear message, nothing saved
        values = {**self._values, key: value}
        tmp = ""
        try:  # a full disk or a read-only folder: a clear message, the old file and values kept
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(values, fh, ensure_ascii=False, indent=2)
            replace_file(tmp, self.path)
        except (OSError, FileInUseError) as exc:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            detail = exc.message if isinstance(exc, FileInUseError) else exc.strerror or exc
            raise HoteltvError(
                f"{self.path}: 设置未保存,原设置不变 (settings not saved, the previous ones are kept: {detail})"
            ) from exc
        self._values = values
        if key == "time_zone":
            clock.set_bureau_zone(value)
