"""Where file dialogs open: the user's Documents folder, not the home folder's root.

On Windows the home folder (``C:\\Users\\张三``) holds AppData and dot-folders, not the user's files; the
Documents folder is what Explorer shows as 文档 (redirected into OneDrive when its folder backup is on,
which ``QStandardPaths`` follows).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def documents_folder() -> Path:
    """The user's Documents folder; the home folder when there is none (a bare Linux account)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(location) if location else Path.home()
    return path if path.is_dir() else Path.home()
