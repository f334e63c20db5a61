"""Printed documents (reportlab, A4, embedded CJK fonts chosen per character): what the work becomes on paper.

* :mod:`~hoteltv.reports.inspection_sheet` — 现场检查记录, the inspection sheet, with photo pages;
* :mod:`~hoteltv.reports.notice` — 整改通知书, the rectification notice with its 送达回证 receipt;
* :mod:`~hoteltv.reports.field_form` — a blank field form for one hotel;
* :mod:`~hoteltv.reports.summary_report` — counts by division × TV mode and status, chart, overdue notices;
* :mod:`~hoteltv.reports.batch` — many sheets in one PDF after a cover, each from an odd page, with progress and cancel;
* :mod:`~hoteltv.reports.verification` — the code (text + QR) on sheets and notices, and checking it;
* :mod:`~hoteltv.reports.common`, :mod:`~hoteltv.reports.styles`, :mod:`~hoteltv.reports.fonts` — the page
  template, "第x页 共y页", form flowables, styles and the fonts (a fallback font per rare character);
* :mod:`~hoteltv.reports.cli` — ``hoteltv print …`` and ``hoteltv verify``.

Every ``write_*`` function takes the database, an output path and :class:`~hoteltv.reports.common.ReportOptions`
(data folder for photos, issuing authority, photo size), writes atomically, accepts an optional
``progress(done, total, text)`` callback that can cancel, and runs on any thread but the GUI's.
"""
