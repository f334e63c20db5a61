"""Data files shipped with hoteltv: checklist templates, division lists, TV modes, fonts, translations.

Read them through :mod:`hoteltv.resources`, never by a path typed elsewhere.
"""
