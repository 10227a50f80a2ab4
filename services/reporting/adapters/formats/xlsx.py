"""The report as XLSX (xlsxwriter: fast, write-only, with native Excel charts)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from reporting.adapters.formats.common import HEADINGS, WITHHELD_MARK, chart_series, rows

SHEETS = {"it": ("Indicatori", "Grafici", "Nota"), "en": ("Indicators", "Charts", "Note")}


def render_xlsx(doc: dict[str, Any]) -> bytes:
    lang = doc["language"]
    figures_name, charts_name, note_name = SHEETS[lang]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet = book.add_worksheet(figures_name)
    sheet.write_row(0, 0, HEADINGS[lang], bold)
    for r, row in enumerate(rows(doc), start=1):
        for c, value in enumerate(row):
            if c == 5 and value not in (None, WITHHELD_MARK):
                # Exact in the file's text: a decimal string becomes a number only for display.
                sheet.write_number(r, c, float(Decimal(str(value))), money if isinstance(value, str) else None)
            else:
                sheet.write(r, c, value)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 45)
    sheet.set_column(8, 8, 80)
    charts = book.add_worksheet(charts_name)
    data_row = 0
    anchor = 0
    for fig in doc["figures"]:
        series = chart_series(fig) if fig["chart"] else None
        if not series:
            continue
        dimension, points = series
        if not points:
            continue
        charts.write(data_row, 0, fig["label"], bold)
        for i, (category, value) in enumerate(points, start=1):
            charts.write(data_row + i, 0, category)
            charts.write_number(data_row + i, 1, float(Decimal(value)))
        chart = book.add_chart({"type": "column"})
        chart.add_series({
            "name": fig["label"], "categories": [charts_name, data_row + 1, 0, data_row + len(points), 0],
            "values": [charts_name, data_row + 1, 1, data_row + len(points), 1],
        })
        chart.set_title({"name": fig["label"]})
        chart.set_x_axis({"name": dimension})
        chart.set_legend({"none": True})
        charts.insert_chart(anchor, 3, chart)
        data_row += len(points) + 2
        anchor += 16
        data_row = max(data_row, anchor)
    note = book.add_worksheet(note_name)
    lines = [doc["title"], doc["indicator_set_title"], f"{doc['period']['start']} - {doc['period']['end']}",
             f"as_of: {doc['as_of']}", doc["suppression"]["rule"]]
    for i, line in enumerate(lines):
        note.write(i, 0, line)
    book.close()
    return buffer.getvalue()
