"""Words for what the photo core reports in codes: why a file was refused, why a time is flagged.

The core gives stable reason codes (:mod:`hoteltv.photos.ingest`) and bilingual details; the GUI shows
the translated reason and keeps the core's detail for the tooltip.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from hoteltv.domain import clock
from hoteltv.photos import ingest

#: Called with the literal context ("photos"), so that ``lupdate`` finds every string.
translate = QCoreApplication.translate


def reason_text(code: str | None) -> str:
    """A short translated reason for a refusal code."""
    texts = {
        ingest.MISSING: translate("photos", "文件不存在（可能已被移动或删除）"),
        ingest.UNREADABLE: translate("photos", "无法读取该文件（没有权限或不是文件）"),
        ingest.EMPTY: translate("photos", "文件为空"),
        ingest.FILE_TOO_BIG: translate("photos", "文件过大"),
        ingest.NOT_IMAGE: translate("photos", "不是图片，或格式不受支持"),
        ingest.HEIC_UNSUPPORTED: translate(
            "photos", "无法读取 HEIC 照片：请安装 pillow-heif，或在手机上改用“兼容性最佳”格式/另存为 JPEG"
        ),
        ingest.TOO_MANY_PIXELS: translate("photos", "像素过多，可能是“解压炸弹”文件；请以较低分辨率导出"),
        ingest.CORRUPT: translate("photos", "图片文件已损坏"),
        ingest.TRUNCATED: translate("photos", "图片文件不完整（被截断），请重新复制"),
        ingest.DISK_FULL: translate("photos", "磁盘已满，未保存"),
        ingest.WRITE_FAILED: translate("photos", "保存照片失败"),
        "duplicate": translate("photos", "这张照片已在本次检查中"),
        "database": translate("photos", "数据库未能保存这张照片"),
        "cancelled": translate("photos", "已取消"),
    }
    return texts.get(code or "", translate("photos", "导入失败"))


def time_flag_text(flag: str | None) -> str:
    if flag == "before":
        return translate("photos", "拍摄时间早于检查开始一天以上，请确认这张照片属于本次检查。")
    if flag == "after":
        return translate("photos", "拍摄时间晚于检查结束，请确认相机时间或照片是否属于本次检查。")
    return ""


def local_time(when: datetime | None) -> str:
    return translate("photos", "未知") if when is None else clock.fmt(when, "%Y-%m-%d %H:%M:%S")


def size_text(width: int | None, height: int | None, byte_size: int) -> str:
    pixels = f"{width} × {height}" if width and height else "?"
    mb = byte_size / 1e6
    return f"{pixels} · {mb:.1f} MB" if mb >= 0.1 else f"{pixels} · {byte_size / 1e3:.0f} kB"


def gps_text(gps: tuple[float, float] | None) -> str:
    if gps is None:
        return translate("photos", "无")
    lat, lon = gps
    return f"{abs(lat):.5f}°{'N' if lat >= 0 else 'S'}, {abs(lon):.5f}°{'E' if lon >= 0 else 'W'}"
