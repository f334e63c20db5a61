"""Frozen entry point of ``hoteltv-gui`` (PyInstaller runs this as the GUI executable's script)."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
