"""Spreadsheet and JSON import/export."""
