"""Words for what the photo core reports in codes: why a file was refused, why a time is flagged.

The core gives stable reason codes (:mod:`hoteltv.photos.ingest`) and bilingual details; the GUI shows
the translated reason and keeps the core's detail for the tooltip.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from hoteltv.photos import ingest


def _t(text: str) -> str:
    return QCoreApplication.translate("photos", text)


def reason_text(code: str | None) -> str:
    """A short translated reason for a refusal code."""
    texts = {
        ingest.MISSING: _t("文件不存在(可能已被移动或删除)"),
        ingest.UNREADABLE: _t("无法读取该文件(没有权限或不是文件)"),
        ingest.EMPTY: _t("文件为空"),
        ingest.FILE_TOO_BIG: _t("文件过大"),
        ingest.NOT_IMAGE: _t("不是图片,或格式不受支持"),
        ingest.HEIC_UNSUPPORTED: _t(
            "无法读取 HEIC 照片:请安装 pillow-heif,或在手机上改用“兼容性最佳”格式/另存为 JPEG"
        ),
        ingest.TOO_MANY_PIXELS: _t("像素过多,可能是“解压炸弹”文件;请以较低分辨率导出"),
        ingest.CORRUPT: _t("图片文件已损坏"),
        ingest.TRUNCATED: _t("图片文件不完整(被截断),请重新复制"),
        ingest.DISK_FULL: _t("磁盘已满,未保存"),
        ingest.WRITE_FAILED: _t("保存照片失败"),
        "duplicate": _t("这张照片已在本次检查中"),
        "database": _t("数据库未能保存这张照片"),
        "cancelled": _t("已取消"),
    }
    return texts.get(code or "", _t("导入失败"))


def time_flag_text(flag: str | None) -> str:
    if flag == "before":
        return _t("拍摄时间早于检查开始一天以上,请确认这张照片属于本次检查。")
    if flag == "after":
        return _t("拍摄时间晚于检查结束,请确认相机时间或照片是否属于本次检查。")
    return ""


def local_time(when: datetime | None) -> str:
    return _t("未知") if when is None else when.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def size_text(width: int | None, height: int | None, byte_size: int) -> str:
    pixels = f"{width} × {height}" if width and height else "?"
    mb = byte_size / 1e6
    return f"{pixels} · {mb:.1f} MB" if mb >= 0.1 else f"{pixels} · {byte_size / 1e3:.0f} kB"


def gps_text(gps: tuple[float, float] | None) -> str:
    if gps is None:
        return _t("无")
    lat, lon = gps
    return f"{abs(lat):.5f}°{'N' if lat >= 0 else 'S'}, {abs(lon):.5f}°{'E' if lon >= 0 else 'W'}"
