"""What every file format prints the same way: column headings, withheld cells, chart series."""

from __future__ import annotations

from typing import Any

HEADINGS = {
    "it": ["indicatore", "etichetta", "organizzazione", "dimensione", "categoria", "valore", "unità", "nascosta",
           "definizione"],
    "en": ["indicator", "label", "organisation", "dimension", "category", "value", "unit", "withheld", "definition"],
}
WITHHELD_MARK = "x"
ALL_ORGANISATIONS = {"it": "tutte", "en": "all"}


def rows(doc: dict[str, Any]) -> list[list[Any]]:
    """One row per figure's cell, each carrying its indicator's definition."""
    lang = doc["language"]
    out = []
    for fig in doc["figures"]:
        for cell in fig["cells"]:
            value = WITHHELD_MARK if cell["withheld"] else cell["value"]
            out.append([
                fig["indicator"], fig["label"], cell["organisation_id"] or ALL_ORGANISATIONS[lang],
                cell["dimension_label"], cell["category_label"], value, fig["unit_label"], cell["withheld_label"],
                fig["definition"],
            ])
    return out


def chart_series(fig: dict[str, Any]) -> tuple[str, list[tuple[str, str]]] | None:
    """The first breakdown of a charted figure over all organisations: (dimension label, [(category,
    value as the table prints it)]). Withheld categories are left out of the chart: drawn, they would
    be a number."""
    first = fig["breakdowns"][0] if fig.get("breakdowns") else None
    cells = [c for c in fig["cells"] if c["organisation_id"] is None and c["dimension"] == first and first]
    if not cells:
        return None
    series = [(c["category_label"], str(c["value"])) for c in cells if not c["withheld"]]
    return cells[0]["dimension_label"], series
