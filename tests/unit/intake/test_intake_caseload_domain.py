"""The pure rules of caseloads: reading a template's cells, the header, tracing errors to columns,
the taken-in-charge day against projects, and places against the shipped lists."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.adapters.places_data import places
from intake.adapters.spreadsheets import template
from intake.domain import caseload
from intake.domain.importing import HeaderRefused, column_of, parse_row, read_cell, resolve_header
from intake.domain.places import birth_place_mismatch, residence

pytestmark = pytest.mark.unit
PEOPLE = template("people")
BY_NAME = {c.name: c for c in PEOPLE.columns}


@pytest.mark.parametrize(("column", "value", "read"), [
    ("birth_date", "10/03/1995", "1995-03-10"), ("birth_date", dt.datetime(1995, 3, 10), "1995-03-10"),
    ("birth_date", "1995-03-10", "1995-03-10"), ("household_size", 3.0, 3), ("household_size", " 2 ", 2),
    ("single_parent", "Sì", True), ("single_parent", "no", False), ("languages", "fr; en;", ["fr", "en"]),
    ("children_ages", "4;7", [{"age": 4}, {"age": 7}]), ("fiscal_code", "  ", None), ("phone", 3331234567.0,
                                                                                        "3331234567"),
])
def test_cells_are_read_by_their_kind_from_text_or_typed_spreadsheet_values(column, value, read):
    assert read_cell(BY_NAME[column], value) == read


def test_a_bad_cell_is_an_error_of_its_column_and_the_row_goes_on():
    columns = resolve_header(PEOPLE, [c.name for c in PEOPLE.columns])
    cells = {c.name: "" for c in PEOPLE.columns} | {"reference": "R1", "birth_date": "31/02/1990",
                                                   "household_size": "two", "first_name": "Awet"}
    parsed = parse_row(7, columns, [cells[c.name] for c in PEOPLE.columns])
    assert [(e.column, e.rule) for e in parsed.errors] == [("birth_date", "date_format"),
                                                           ("household_size", "int_format")]
    assert parsed.body["first_name"] == "Awet" and parsed.reference == "R1" and parsed.row == 7


def test_a_row_without_reference_is_refused():
    columns = resolve_header(PEOPLE, ["reference", "first_name"] + [c.name for c in PEOPLE.columns][2:])
    assert [e.rule for e in parse_row(2, columns, ["", "Awet"]).errors] == ["missing"]


def test_the_header_takes_english_or_italian_names_and_refuses_unknown_repeated_and_missing_ones():
    assert resolve_header(PEOPLE, [c.italian.upper() for c in PEOPLE.columns])[0].name == "reference"
    with pytest.raises(HeaderRefused) as refused:
        resolve_header(PEOPLE, ["reference", "riferimento", "colour"])
    rules = {(e.column, e.rule) for e in refused.value.errors}
    assert {("reference", "repeated_column"), ("colour", "unknown_column"), ("first_name", "missing_column")} <= rules


@pytest.mark.parametrize(("loc", "column"), [
    (("household", "children", 1, "age"), "children_ages"), (("permit", "reason"), "permit_reason"),
    (("permit",), "permit_document"), (("consent", "given"), "consent_date"), (("first_name",), "first_name"),
])
def test_a_registration_error_is_traced_to_its_column(loc, column):
    assert column_of(PEOPLE.columns, loc).name == column


def test_taken_in_charge_before_a_project_started_names_that_project():
    starts = {"A": dt.date(2020, 1, 1), "B": dt.date(2021, 1, 1)}
    early = caseload.too_early(dt.date(2020, 6, 1), ["A", "B", "unknown"], starts)
    assert [(e.field, e.code) for e in early] == [("project_ids.1", "B")]
    assert early[0].message(dt.date(2020, 6, 1)) == ("taken in charge on 2020-06-01, before project B started "
                                                      "(2021-01-01)")


def test_residence_is_checked_against_istat_municipalities_and_provinces():
    assert residence(places(), province=None, municipality="058091") == ("RM", [])
    assert residence(places(), province="RM", municipality=None) == ("RM", [])
    _, errors = residence(places(), province="MI", municipality="058091")
    assert [(e.field, e.rule) for e in errors] == [("residence.municipality", "municipality_not_in_province")]
    assert len(places().municipalities) > 7800 and len(places().provinces) == 107


@pytest.mark.parametrize(("place", "country", "refused"), [
    ("Z345", "SO", False), ("Z368", "ER", False), ("H501", "IT", False),
    ("Z118", "RS", False),  # Yugoslavia: a state since dissolved, older codes carry it
    ("Z336", "SO", True), ("Z999", "SO", True), ("H501", "SO", True), ("Q999", "IT", True), ("Z345", "IT", True),
])
def test_a_fiscal_code_place_must_fit_the_birth_country(place, country, refused):
    assert (birth_place_mismatch(places(), place, country) is not None) is refused
