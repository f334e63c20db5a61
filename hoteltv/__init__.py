"""hoteltv core: records, rules, reports and sync for hotel-TV remediation inspections.

This package never imports Qt; the GUI in ``ui/`` and the ``hoteltv`` command both stand on it.
"""

import os as _os

__version__ = "0.1.0"

# openpyxl writes every worksheet through a temporary file; with lxml installed (python-docx brings it)
# it hands that file's *name* to libxml2, which reads it as a URL: a temporary folder whose path holds
# "%20" or "#" (a Windows user name can) makes every .xlsx export fail with "No such file or directory".
# Its own pure-Python writer opens the file as a file. Set before openpyxl is first imported.
_os.environ.setdefault("OPENPYXL_LXML", "False")
