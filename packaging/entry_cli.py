"""Frozen entry point of the ``hoteltv`` command (PyInstaller runs this as the console executable's script)."""

import sys

from hoteltv.cli import main

if __name__ == "__main__":
    sys.exit(main())
