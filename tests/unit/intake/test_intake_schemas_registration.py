import copy
from datetime import date

import pytest
from pydantic import ValidationError

from intake.service_layer import commands_common as schemas_common
from intake.service_layer.commands import BeneficiaryIn, ConsentScope

pytestmark = pytest.mark.unit

TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(schemas_common, "today_in_italy", lambda: TODAY)


VALID = {
    "first_name": "Mario",
    "last_name": "Rossi",
    "sex": "M",
    "birth_date": "1985-12-10",
    "birth_country": "IT",
    "citizenship": "IT",
    "fiscal_code": "rssmra85t10a562s",
    "legal_status": "refugee",
    "permit": {
        "document": "postal_receipt",
        "reason": "asylum",
        "number": "09123abcde",
        "registered_mail_number": "051234567890",
        "questura": "Roma",
        "issue_date": "2024-09-01",
        "expiry_date": "2025-03-01",
        "renewal_pending": True,
    },
    "reception": {"kind": "sai", "centre": "SAI Roma Est", "must_leave_by": "2025-09-30"},
    "household": {"size": 3, "children": [{"age": 4}, {"age": 17}], "single_parent": True},
    "italian_level": "A2",
    "education": {
        "highest_level": "upper_secondary",
        "qualifications_abroad": [{"title": "Diploma", "country": "SN", "year": 2003}],
    },
    "languages": ["wo", "fr", "wo"],
    "driving_licence": False,
    "contacts": {"phone": "+39 333 123 4567", "email": "mario@example.org", "address": "Via Roma 1"},
    "consent": {
        "given": True,
        "date": "2025-03-10",
        "scope": ["processing", "funder_reporting", "processing"],
    },
    "project_ids": ["fami-2025", "fami-2025", "integra"],
    "vulnerabilities": ["single_parent"],
}

MINIMAL = {
    key: VALID[key]
    for key in ("first_name", "last_name", "sex", "birth_date", "birth_country", "citizenship",
                "legal_status", "reception", "household", "italian_level", "consent", "project_ids")
}  # fmt: skip


def changed(path: str, value, base=VALID) -> dict:
    """A copy of base with the dotted path set to value; the value ... removes the key."""
    payload = copy.deepcopy(base)
    *parents, last = path.split(".")
    target = payload
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return payload


def only_error(payload) -> dict:
    with pytest.raises(ValidationError) as caught:
        BeneficiaryIn.model_validate(payload)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


def test_valid_registration_is_accepted_and_normalised():
    person = BeneficiaryIn.model_validate(VALID)
    assert person.fiscal_code == "RSSMRA85T10A562S"
    assert person.permit.number == "09123ABCDE"
    assert person.languages == ["wo", "fr"]
    assert person.project_ids == ["fami-2025", "integra"]
    assert person.consent.scope == [ConsentScope.processing, ConsentScope.funder_reporting]
    assert person.birth_date == date(1985, 12, 10)


def test_minimal_registration_is_accepted():
    person = BeneficiaryIn.model_validate(MINIMAL)
    assert (person.fiscal_code, person.permit, person.education, person.contacts) == (None,) * 4
    assert (person.languages, person.vulnerabilities, person.driving_licence) == ([], [], None)


# --- unknown fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        ("organisation_id", ("organisation_id",)),  # comes from the token, never from the body
        ("fiscalcode", ("fiscalcode",)),
        ("permit.expiry", ("permit", "expiry")),
        ("household.adults", ("household", "adults")),
        ("consent.purpose", ("consent", "purpose")),
    ],
)
def test_unknown_fields_are_refused(path, loc):
    error = only_error(changed(path, "x"))
    assert (error["loc"], error["type"]) == (loc, "extra_forbidden")


@pytest.mark.parametrize(
    "field",
    ["first_name", "last_name", "sex", "birth_date", "birth_country", "citizenship", "legal_status",
     "reception", "household", "italian_level", "consent", "project_ids"],
)  # fmt: skip
def test_required_fields(field):
    error = only_error(changed(field, ...))
    assert (error["loc"], error["type"]) == ((field,), "missing")


# --- identity -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("value", ["", "   "])
def test_blank_names_are_refused(field, value):
    error = only_error(changed(field, value))
    assert (error["loc"], error["msg"]) == ((field,), "must not be blank")


def test_overlong_name_is_refused():
    error = only_error(changed("first_name", "A" * 201))
    assert (error["loc"], error["type"]) == (("first_name",), "string_too_long")


def test_sex_outside_f_m_x_is_refused():
    error = only_error(changed("sex", "male"))
    assert error["loc"] == ("sex",)
    assert "'F', 'M' or 'X'" in error["msg"]


def test_birth_date_in_the_future_is_refused_today_is_not():
    error = only_error(changed("birth_date", "2025-03-11", MINIMAL))
    assert error["loc"] == ("birth_date",)
    assert error["msg"] == "2025-03-11 is after today (2025-03-10)"
    assert BeneficiaryIn.model_validate(changed("birth_date", "2025-03-10", MINIMAL))


def test_birth_date_before_1900_is_refused_1900_is_not():
    error = only_error(changed("birth_date", "1899-12-31", MINIMAL))
    assert error["loc"] == ("birth_date",)
    assert error["msg"] == "1899-12-31 is before 1900-01-01, the earliest accepted"
    assert BeneficiaryIn.model_validate(changed("birth_date", "1900-01-01", MINIMAL))


@pytest.mark.parametrize("value", ["it", "ITA", "I1", "", "Italy"])
def test_birth_country_must_be_upper_case_alpha_2(value):
    error = only_error(changed("birth_country", value))
    assert error["loc"] == ("birth_country",)
    assert "is not an ISO 3166-1 alpha-2 country code in upper case" in error["msg"]


@pytest.mark.parametrize("value", ["stateless", "SY", "UA"])
def test_citizenship_accepts_alpha_2_or_stateless(value):
    assert BeneficiaryIn.model_validate(changed("citizenship", value)).citizenship == value


@pytest.mark.parametrize("value", ["Stateless", "none", "syr", "sy"])
def test_citizenship_refuses_anything_else(value):
    error = only_error(changed("citizenship", value))
    assert error["loc"] == ("citizenship",)
    assert "ISO 3166-1 alpha-2" in error["msg"]


# --- fiscal code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("RSSMRA85T10A562T", "check character is 'T' but should be 'S'"),
        ("RSSMRA85X10A562S", "month letter 'X' is not one of ABCDEHLMPRST"),
        ("RSSMRA85T10A56", "fiscal code must be 16 characters"),
        ("01234567890", "provisional code check digit is '0' but should be '7'"),
    ],
)
def test_malformed_fiscal_code_names_the_rule(code, rule):
    error = only_error(changed("fiscal_code", code))
    assert (error["loc"], error["type"]) == (("fiscal_code",), "fiscal_code_invalid")
    assert rule in error["msg"]


def test_fiscal_code_of_the_other_sex_is_refused():
    error = only_error(changed("sex", "F"))
    assert (error["loc"], error["type"]) == (("fiscal_code",), "fiscal_code_mismatch")
    assert error["msg"].startswith("fiscal code does not match the registration: sex is 'F'")


def test_fiscal_code_of_another_birth_date_is_refused():
    error = only_error(changed("birth_date", "1985-12-11"))
    assert error["loc"] == ("fiscal_code",)
    assert "birth day is 11 but the code encodes day 10" in error["msg"]


def test_sex_x_is_not_cross_checked():
    assert BeneficiaryIn.model_validate(changed("sex", "X")).fiscal_code == "RSSMRA85T10A562S"


def test_provisional_code_is_accepted_without_cross_check():
    assert BeneficiaryIn.model_validate(changed("fiscal_code", "01234567897")).fiscal_code == "01234567897"


def test_invalid_birth_date_is_reported_once_not_as_a_fiscal_code_mismatch():
    error = only_error(changed("birth_date", "2030-01-01"))
    assert error["loc"] == ("birth_date",)


# --- permit ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "loc", "rule"),
    [
        ("permit.number", "0912345", ("permit", "number"),
         "a 'postal_receipt' file number must be 10 upper-case letters or digits, got '0912345'"),
        ("permit.registered_mail_number", "0512345678901", ("permit", "registered_mail_number"),
         "a 'postal_receipt' registered-mail number must be 12 upper-case letters or digits"),
        ("permit.registered_mail_number", ..., ("permit", "registered_mail_number"), "got None"),
        ("permit.expiry_date", "2024-09-01", ("permit", "expiry_date"),
         "expiry date 2024-09-01 must be after issue date 2024-09-01"),
        ("permit.issue_date", "2025-03-11", ("permit", "issue_date"), "2025-03-11 is after today"),
        ("permit.questura", " ", ("permit", "questura"), "must not be blank"),
        ("permit.document", "passport", ("permit", "document"), "'electronic', 'paper' or 'postal_receipt'"),
    ],
)  # fmt: skip
def test_permit_rules(path, value, loc, rule):
    error = only_error(changed(path, value))
    assert error["loc"] == loc
    assert rule in error["msg"]


def test_electronic_permit_has_no_registered_mail_number():
    payload = changed("permit.document", "electronic")
    error = only_error(payload)
    assert error["loc"] == ("permit", "registered_mail_number")
    assert error["msg"] == "is not used by a 'electronic' document"
    del payload["permit"]["registered_mail_number"]
    assert BeneficiaryIn.model_validate(payload).permit.number == "09123ABCDE"


def test_an_expired_permit_is_still_registered():
    assert BeneficiaryIn.model_validate(VALID).permit.expiry_date < TODAY


# --- reception and household ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["out_of_reception", "homeless"])
def test_must_leave_by_only_in_reception(kind):
    error = only_error(changed("reception.kind", kind))
    assert error["loc"] == ("reception", "must_leave_by")
    assert error["msg"] == (
        f"must_leave_by applies only to a person in reception (cas, first_reception, sai), not to '{kind}'"
    )


@pytest.mark.parametrize("kind", ["cas", "sai", "first_reception"])
def test_must_leave_by_in_reception_is_accepted(kind):
    assert BeneficiaryIn.model_validate(changed("reception.kind", kind)).reception.kind == kind


def test_homeless_without_must_leave_by_is_accepted():
    payload = changed("reception", {"kind": "homeless"})
    assert BeneficiaryIn.model_validate(payload).reception.must_leave_by is None


def test_household_must_count_the_person_and_the_children():
    error = only_error(changed("household.size", 2))
    assert error["loc"] == ("household", "size")
    assert error["msg"] == "size 2 is less than 3: the person plus 2 listed child(ren)"


def test_household_of_exactly_the_person_and_the_children_is_accepted():
    assert BeneficiaryIn.model_validate(changed("household.size", 3)).household.size == 3


def test_household_size_at_least_one():
    payload = changed("household", {"size": 0})
    error = only_error(payload)
    assert (error["loc"], error["type"]) == (("household", "size"), "greater_than_equal")


def test_single_parent_needs_a_child():
    error = only_error(changed("household", {"size": 1, "single_parent": True}))
    assert error["loc"] == ("household", "single_parent")
    assert error["msg"] == "a single parent needs at least one child"


@pytest.mark.parametrize(("age", "kind"), [(18, "less_than_equal"), (-1, "greater_than_equal")])
def test_children_are_0_to_17(age, kind):
    error = only_error(changed("household.children", [{"age": 4}, {"age": age}]))
    assert (error["loc"], error["type"]) == (("household", "children", 1, "age"), kind)


# --- level, education, languages, contacts --------------------------------------------------


def test_italian_level_outside_cefr_is_refused():
    error = only_error(changed("italian_level", "B3"))
    assert error["loc"] == ("italian_level",)
    assert "'A0', 'A1', 'A2', 'B1', 'B2', 'C1' or 'C2'" in error["msg"]


@pytest.mark.parametrize(
    ("path", "value", "loc", "rule"),
    [
        ("education.highest_level", "college", ("education", "highest_level"), "'bachelor'"),
        ("education.qualifications_abroad", [{"title": "BSc", "country": "sn", "year": 2003}],
         ("education", "qualifications_abroad", 0, "country"), "ISO 3166-1 alpha-2"),
        ("education.qualifications_abroad", [{"title": "BSc", "country": "SN", "year": 2026}],
         ("education", "qualifications_abroad", 0, "year"),
         "year 2026 is not between 1900 and the current year 2025"),
        ("education.qualifications_abroad", [{"title": "BSc", "country": "SN", "year": 1899}],
         ("education", "qualifications_abroad", 0, "year"), "year 1899 is not between 1900"),
    ],
)  # fmt: skip
def test_education_rules(path, value, loc, rule):
    error = only_error(changed(path, value))
    assert error["loc"] == loc
    assert rule in error["msg"]


@pytest.mark.parametrize("value", ["ara", "AR", "a", "1a"])
def test_languages_are_iso_639_1(value):
    error = only_error(changed("languages", ["fr", value]))
    assert error["loc"] == ("languages", 1)
    assert f"'{value}' is not an ISO 639-1 language code in lower case" in error["msg"]


@pytest.mark.parametrize("phone", ["333-1234567", "+39 (333) 1234", "12345", "+39 333 123 456 789 01", "tel"])
def test_phone_format(phone):
    error = only_error(changed("contacts.phone", phone))
    assert error["loc"] == ("contacts", "phone")
    assert "phone must be digits and spaces with an optional leading '+', 6 to 15 digits" == error["msg"]


@pytest.mark.parametrize("phone", ["3331234567", "+393331234567", "+39 06 1234 5678"])
def test_good_phones(phone):
    assert BeneficiaryIn.model_validate(changed("contacts.phone", phone)).contacts.phone == phone


@pytest.mark.parametrize("email", ["mario", "mario@", "mario@example", "ma rio@example.org", "a@b@c.org"])
def test_email_format(email):
    error = only_error(changed("contacts.email", email))
    assert error["loc"] == ("contacts", "email")
    assert error["msg"] == f"'{email}' is not an e-mail address like name@example.org"


# --- consent, projects, vulnerabilities -----------------------------------------------------


def test_consent_must_be_given():
    error = only_error(changed("consent.given", False))
    assert error["loc"] == ("consent", "given")
    assert error["msg"] == "consent must be given: without consent no path starts"


def test_consent_date_not_in_the_future():
    error = only_error(changed("consent.date", "2025-03-11"))
    assert error["loc"] == ("consent", "date")
    assert error["msg"] == "2025-03-11 is after today (2025-03-10)"


def test_consent_scope_must_not_be_empty():
    error = only_error(changed("consent.scope", []))
    assert error["loc"] == ("consent", "scope")
    assert error["msg"] == "scope must list at least one purpose"


def test_consent_scope_must_include_processing():
    error = only_error(changed("consent.scope", ["sharing_with_partners"]))
    assert error["loc"] == ("consent", "scope")
    assert error["msg"] == "scope must include 'processing'"


def test_consent_scope_from_the_fixed_set():
    error = only_error(changed("consent.scope", ["processing", "marketing"]))
    assert error["loc"] == ("consent", "scope", 1)
    assert "'processing', 'sharing_with_partners' or 'funder_reporting'" in error["msg"]


def test_at_least_one_project():
    error = only_error(changed("project_ids", []))
    assert error["loc"] == ("project_ids",)
    assert error["msg"] == "at least one project id is needed: every path runs in a project"


def test_blank_project_id_is_refused():
    error = only_error(changed("project_ids", ["fami", " "]))
    assert (error["loc"], error["msg"]) == (("project_ids", 1), "must not be blank")


def test_unknown_vulnerability_is_refused():
    error = only_error(changed("vulnerabilities", ["pregnant", "poor"]))
    assert error["loc"] == ("vulnerabilities", 1)
    assert "'victim_of_trafficking'" in error["msg"]
