"""The PySide6 desktop GUI. Thin: it arranges core services from hoteltv/."""
