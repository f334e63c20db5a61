"""Printed documents (reportlab): inspection sheet, rectification notice, field form, summary."""
