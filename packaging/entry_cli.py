"""Frozen entry point of the ``hoteltv`` command (PyInstaller runs this as the console executable's script)."""

import multiprocessing
import sys

from hoteltv.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # `hoteltv serve --workers N` starts its workers from this executable
    sys.exit(main())
