"""The report as CSV (the standard library's csv writer): one row per figure, with its definition."""

from __future__ import annotations

import csv
import io
from typing import Any

from reporting.adapters.formats.common import HEADINGS, rows


def render_csv(doc: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS[doc["language"]])
    writer.writerows(rows(doc))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8
