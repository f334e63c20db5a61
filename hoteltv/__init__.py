"""hoteltv core: records, rules, reports and sync for hotel-TV remediation inspections.

This package never imports Qt; the GUI in ``ui/`` and the ``hoteltv`` command both stand on it.
"""

import os

__version__ = "0.1.0"

# openpyxl writes worksheets through lxml when lxml is installed (python-docx brings it), and lxml's
# ``xmlfile`` takes its temporary file's path as a URL: a temp folder such as "检查员 的数据%20#1" then
# fails every .xlsx export. Set before anything imports openpyxl; openpyxl's own writer is used instead.
os.environ.setdefault("OPENPYXL_LXML", "False")
