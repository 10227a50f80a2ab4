"""The report's files, opened as a reader would: the numbers in the XLSX (openpyxl), the PDF (pypdf)
and the CSV are the JSON document's, each with its indicator's definition; the charts are there."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from reporting.adapters.formats.csv_out import render_csv
from reporting.adapters.formats.pdf import render_pdf
from reporting.adapters.formats.xlsx import render_xlsx
from reporting.domain.access import Viewer
from reporting.domain.indicators import Period
from reporting.service_layer.reports import ReportCommand
from tests.unit.reporting.scenarios import coop_a
from tests.unit.reporting.support import in_memory

pytestmark = pytest.mark.unit


async def document(language: str = "it", external: bool = False) -> dict:
    scenario, _ = coop_a()
    service, _ = await in_memory(scenario.events)
    return await service.report(ReportCommand(Viewer("operator", "coop-a"), "social_report", Period.year(2025),
                                              date(2026, 2, 1), language, external))


def expected_rows(doc: dict) -> list[tuple[str, str, str, object]]:
    return [(f["indicator"], c["dimension_label"], c["category_label"], "x" if c["withheld"] else c["value"])
            for f in doc["figures"] for c in f["cells"]]


async def test_xlsx_holds_every_number_with_its_definition_and_native_charts():
    doc = await document()
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(doc)))
    assert book.sheetnames == ["Indicatori", "Grafici", "Nota"]
    sheet = book["Indicatori"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["indicatore", "etichetta", "organizzazione", "dimensione", "categoria", "valore"]
    got = []
    definitions = {f["indicator"]: f["definition"] for f in doc["figures"]}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        indicator, _, _, dimension, category, value, unit, _, definition = row
        assert definition == definitions[indicator]
        if unit in ("eur", "hours", "days") and value != "x":
            value = f"{value:.2f}"
        got.append((indicator, dimension, category, value))
    assert got == expected_rows(doc)
    people_new = [r for r in got if r[0] == "people_taken_in_charge_new" and r[1] == "Totale"]
    assert people_new[0][3] == 6
    costs = [r for r in got if r[0] == "intervention_costs" and r[1] == "Totale"]
    assert costs[0][3] == "180.00"
    charts = book["Grafici"]._charts
    assert len(charts) == sum(1 for f in doc["figures"] if f["chart"] and any(c["dimension"] for c in f["cells"]))
    assert len(charts) >= 5


async def test_pdf_prints_every_figure_its_definition_and_charts():
    doc = await document()
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    compact = " ".join(text.split())
    for fig in doc["figures"]:
        assert fig["label"] in compact
        assert " ".join(fig["definition"].split())[:60] in compact
    assert "Mediazione interculturale" in text and "180.00" in text and "5.50" in text
    lines = text.splitlines()
    totals = [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.strip() == "people"]
    assert totals, "each figure's table starts with its unit"
    # the people taken in charge in 2025: total 6, women 2, men 4, printed in the table
    assert "tutte Totale 6" in compact and "tutte Sesso: Donne 2" in compact and "tutte Sesso: Uomini 4" in compact
    # a chart per charted figure: its caption names the figure and the breakdown drawn
    assert "Persone prese in carico nel periodo (Sesso)" in compact
    assert sum(1 for f in doc["figures"] if f["chart"] and f"{f['label']} (" in compact) >= 5


async def test_csv_and_english_on_request():
    doc = await document("en")
    rows = list(csv.reader(io.StringIO(render_csv(doc).decode("utf-8-sig"))))
    assert rows[0][:6] == ["indicator", "label", "organisation", "dimension", "category", "value"]
    got = [(r[0], r[3], r[4], r[5]) for r in rows[1:]]
    assert got == [(i, d, c, str(v)) for i, d, c, v in expected_rows(doc)]
    assert ("people_taken_in_charge_new", "Sex", "Women", "2") in got


async def test_an_external_export_marks_what_it_withholds_in_every_format():
    doc = await document(external=True)
    assert doc["suppression"]["applied"] and doc["suppression"]["withheld"]
    rows = list(csv.reader(io.StringIO(render_csv(doc).decode("utf-8-sig"))))
    withheld = [r for r in rows[1:] if r[7]]
    assert withheld and all(r[5] == "x" for r in withheld)
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(doc)))["Indicatori"]
    assert sum(1 for r in sheet.iter_rows(min_row=2, values_only=True) if r[5] == "x") == len(withheld)
    text = PdfReader(io.BytesIO(render_pdf(doc))).pages[0].extract_text()
    assert "meno di 5 persone" in " ".join(text.split())
