"""The report as PDF (reportlab: its platypus layout and its own vector charts, no image library)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reporting.adapters.formats.common import ALL_ORGANISATIONS, WITHHELD_MARK, chart_series

WORDS = {
    "it": {"period": "Periodo", "as_of": "Dati registrati fino a", "total": "Totale", "withheld": "nascosta"},
    "en": {"period": "Period", "as_of": "Data recorded up to", "total": "Total", "withheld": "withheld"},
}


def _chart(label: str, points: list[tuple[str, str]]) -> Drawing:
    """A bar per published category, its value printed on it as the table prints it (withheld
    categories are not drawn: a bar of 0 would be a figure)."""
    drawing = Drawing(16 * cm, 6 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, 14 * cm, 4 * cm
    chart.data = [[float(v) for _, v in points]]
    chart.categoryAxis.categoryNames = [c[:18] for c, _ in points]
    chart.categoryAxis.labels.angle = 20
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#2f6f8f")
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[v for _, v in points]]
    chart.barLabels.nudge = 6
    chart.barLabels.fontSize = 7
    drawing.add(chart)
    drawing.add(String(40, 6 * cm - 12, label[:90], fontSize=9))
    return drawing


def render_pdf(doc: dict[str, Any]) -> bytes:
    lang = doc["language"]
    words = WORDS[lang]
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    story: list[Any] = [
        Paragraph(escape(doc["title"]), styles["Title"]),
        Paragraph(escape(doc["indicator_set_title"]), styles["Heading2"]),
        Paragraph(f"{words['period']}: {doc['period']['start']} - {doc['period']['end']}. "
                  f"{words['as_of']}: {doc['as_of']}.", styles["Normal"]),
        Paragraph(escape(doc["suppression"]["rule"]), styles["Italic"]),
        Spacer(1, 0.4 * cm),
    ]
    for fig in doc["figures"]:
        story.append(Paragraph(escape(fig["label"]), styles["Heading3"]))
        story.append(Paragraph(escape(fig["definition"]), styles["BodyText"]))
        data = [[fig["unit_label"], "", ""]]
        for cell in fig["cells"]:
            value = WITHHELD_MARK if cell["withheld"] else cell["value"]
            data.append([cell["organisation_id"] or ALL_ORGANISATIONS[lang],
                         f"{cell['dimension_label']}: {cell['category_label']}" if cell["dimension"]
                         else words["total"], str(value)])
        table = Table(data, colWidths=[4 * cm, 9 * cm, 3 * cm], repeatRows=1)
        table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 8), ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey)]))
        story.append(table)
        series = chart_series(fig) if fig["chart"] else None
        if series and series[1]:
            story.append(_chart(f"{fig['label']} ({series[0]})", series[1]))
        story.append(Spacer(1, 0.3 * cm))
    SimpleDocTemplate(buffer, pagesize=A4, title=doc["title"], leftMargin=2 * cm, rightMargin=2 * cm).build(story)
    return buffer.getvalue()
