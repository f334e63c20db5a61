"""hoteltv core: records, rules, reports and sync for hotel-TV remediation inspections.

This package never imports Qt; the GUI in ``ui/`` and the ``hoteltv`` command both stand on it.
"""

__version__ = "0.1.0"
