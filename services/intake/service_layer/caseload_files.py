"""The caseload files the import reads and writes (CSV, XLSX) and their templates, for the routes:
the adapter does the I/O, the routes reach it through the service layer."""

from __future__ import annotations

from intake.adapters.spreadsheets import (
    XLSX_TYPE,
    UnreadableFile,
    file_format,
    rows,
    template,
    template_file,
    write_report,
)

__all__ = ["XLSX_TYPE", "UnreadableFile", "file_format", "rows", "template", "template_file", "write_report"]
