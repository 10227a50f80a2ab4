"""The report's files, opened as a reader would: the numbers in the XLSX (openpyxl), the PDF (pypdf)
and the CSV are the JSON document's, each with its indicator's definition; the charts are there."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
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
    units = {f["indicator"]: (f["unit"], f["unit_label"]) for f in doc["figures"]}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        indicator, _, _, dimension, category, value, unit, _, definition = row
        assert definition == definitions[indicator]
        code, words = units[indicator]
        assert unit == words  # in the report's language: "persone", "ore", "euro"
        if code in ("eur", "hours", "days") and value != "x":
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
    totals = [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.strip() == "persone"]
    assert totals, "each figure's table starts with its unit, in the report's language"
    assert not [line for line in lines if line.strip() in ("people", "eur", "hours")], "a unit left in English"
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
    assert {r[6] for r in rows[1:]} <= {"people", "events", "records", "euro", "hours", "days"}


async def test_an_external_export_marks_what_it_withholds_in_every_format():
    doc = await document(external=True)
    assert doc["suppression"]["applied"] and doc["suppression"]["withheld"]
    rows = list(csv.reader(io.StringIO(render_csv(doc).decode("utf-8-sig"))))
    withheld = [r for r in rows[1:] if r[7]]
    assert withheld and all(r[5] == "x" for r in withheld)
    assert {r[7] for r in withheld} <= {"primaria", "secondaria"} and "primaria" in {r[7] for r in withheld}
    assert {r[6] for r in rows[1:]} <= {"persone", "eventi", "registrazioni", "euro", "ore", "giorni"}
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(doc)))["Indicatori"]
    assert sum(1 for r in sheet.iter_rows(min_row=2, values_only=True) if r[5] == "x") == len(withheld)
    text = PdfReader(io.BytesIO(render_pdf(doc))).pages[0].extract_text()
    assert "meno di 5 persone" in " ".join(text.split())


def charted(doc: dict) -> list[tuple[dict, list[tuple[str, str]]]]:
    """Each charted figure with what its chart must show: every published category of its first
    breakdown over all organisations, with the value the JSON gives (withheld ones not drawn)."""
    out = []
    for fig in doc["figures"]:
        first = fig["breakdowns"][0] if fig["chart"] and fig["breakdowns"] else None
        points = [(c["category_label"], str(c["value"])) for c in fig["cells"]
                  if first and c["organisation_id"] is None and c["dimension"] == first and not c["withheld"]]
        if points:
            out.append((fig, points))
    return out


@pytest.mark.parametrize("external", [False, True])
async def test_the_xlsx_charts_draw_the_report_s_numbers(external):
    """Each native chart, read from the file's chart XML: its title, the cells its series points at
    (resolved in the workbook by openpyxl) and the values cached in the chart are the figure's."""
    doc = await document(external=external)
    data = render_xlsx(doc)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
          "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
                       key=lambda n: int(re.findall(r"\d+", n)[0]))
        charts = [ElementTree.fromstring(z.read(n)) for n in names]
    expected = charted(doc)
    assert len(charts) == len(expected) >= (0 if external else 3)
    for chart, (fig, points) in zip(charts, expected, strict=True):
        assert chart.find(".//c:title//a:t", ns).text == fig["label"]
        ref = chart.find(".//c:val/c:numRef/c:f", ns).text  # Grafici!$B$2:$B$3
        sheet_name, cells = ref.split("!")
        block = book[sheet_name][cells.replace("$", "")]
        in_sheet = [block.value] if isinstance(block, Cell) else [row[0].value for row in block]
        cached = [float(v.text) for v in chart.findall(".//c:val//c:numCache/c:pt/c:v", ns)]
        categories = [v.text for v in chart.findall(".//c:cat//c:strCache/c:pt/c:v", ns)]
        assert in_sheet == cached == [float(v) for _, v in points], fig["indicator"]
        assert categories == [c for c, _ in points]
    if external:
        withheld = {(f["indicator"], c["category_label"]) for f in doc["figures"] for c in f["cells"]
                    if c["withheld"] and c["organisation_id"] is None and f["breakdowns"]
                    and c["dimension"] == f["breakdowns"][0] and f["chart"]}
        assert withheld  # the external report withholds some charted category, and no chart draws it
        drawn = {(f["indicator"], c) for f, points in expected for c, _ in points}
        assert not withheld & drawn


async def test_the_pdf_charts_print_the_report_s_numbers_on_their_bars():
    """Each chart drawn in the PDF, read back with pypdf: right before its caption come its bars'
    values and then its categories, the same as the figure's table."""
    doc = await document()
    text = "\n".join(line.strip() for page in PdfReader(io.BytesIO(render_pdf(doc))).pages
                     for line in page.extract_text().splitlines())
    expected = charted(doc)
    assert len(expected) >= 3
    for fig, points in expected:
        dimension = next(c["dimension_label"] for c in fig["cells"] if c["dimension"] == fig["breakdowns"][0])
        caption = text.index(f"{fig['label']} ({dimension})")
        drawn = "\n".join([v for _, v in points] + [c[:18] for c, _ in points])
        assert drawn in text[max(0, caption - 600):caption], fig["indicator"]
