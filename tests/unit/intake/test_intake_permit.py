from datetime import date, timedelta
from typing import get_args

import pytest

from intake.domain.enums import PermitDocument
from intake.domain.permit import PERMIT_FLAGS, Permit, PermitFlag, PermitRuleViolation, permit_flags
from intake.entrypoints.responses import PermitStatus, Person, Registered

pytestmark = pytest.mark.unit

TODAY = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("days_left", "flag"),
    [(-365, "expired"), (-1, "expired"), (0, "expiring_soon"), (1, "expiring_soon"),
     (60, "expiring_soon"), (61, "valid"), (400, "valid")],
)  # fmt: skip
def test_flag_boundaries_with_the_default_60_days(days_left, flag):
    assert permit_flags(TODAY + timedelta(days=days_left), TODAY, renewal_pending=False) == flag


@pytest.mark.parametrize(("days_left", "flag"), [(0, "expiring_soon"), (1, "valid"), (-1, "expired")])
def test_flag_with_no_warning_window(days_left, flag):
    assert permit_flags(TODAY + timedelta(days=days_left), TODAY, renewal_pending=False, soon_days=0) == flag


def test_flag_with_a_longer_window():
    assert permit_flags(TODAY + timedelta(days=90), TODAY, renewal_pending=False, soon_days=90) == "expiring_soon"
    assert permit_flags(TODAY + timedelta(days=91), TODAY, renewal_pending=False, soon_days=90) == "valid"


@pytest.mark.parametrize(
    ("days_left", "flag"),
    [(-365, "renewal_pending"), (-1, "renewal_pending"), (0, "expiring_soon"), (1, "expiring_soon"),
     (60, "expiring_soon"), (61, "valid"), (400, "valid")],
)  # fmt: skip
def test_a_pending_renewal_replaces_expired_only_once_the_expiry_day_has_passed(days_left, flag):
    assert permit_flags(TODAY + timedelta(days=days_left), TODAY, renewal_pending=True) == flag


@pytest.mark.parametrize(("days_left", "flag"), [(0, "expiring_soon"), (1, "valid"), (-1, "renewal_pending")])
def test_a_pending_renewal_with_no_warning_window(days_left, flag):
    assert permit_flags(TODAY + timedelta(days=days_left), TODAY, renewal_pending=True, soon_days=0) == flag


def test_the_flag_must_be_given():
    with pytest.raises(TypeError):
        permit_flags(TODAY, TODAY)  # type: ignore[call-arg]


def test_the_statuses_are_the_literal_and_the_response_models():
    assert get_args(PermitFlag) == PERMIT_FLAGS == get_args(PermitStatus)
    for model in (Person, Registered):
        assert "renewal_pending" in str(model.model_json_schema()["properties"]["permit_status"])


def test_negative_window_is_an_error():
    with pytest.raises(ValueError, match="soon_days must be 0 or more, got -1"):
        permit_flags(TODAY, TODAY, renewal_pending=True, soon_days=-1)


def permit(**changes) -> Permit:
    fields = dict(
        document=PermitDocument.electronic,
        reason="asylum",
        number="I01234567",
        questura="Roma",
        issue_date=date(2024, 9, 1),
        expiry_date=date(2025, 3, 1),
    )
    return Permit(**(fields | changes))


def violation(**changes) -> PermitRuleViolation:
    with pytest.raises(PermitRuleViolation) as caught:
        permit(**changes)
    return caught.value


def test_permit_flag_uses_its_expiry():
    assert permit().flag(date(2025, 1, 15)) == "expiring_soon"
    assert permit().flag(date(2025, 3, 2)) == "expired"


def test_permit_flag_counts_its_pending_renewal():
    assert permit(renewal_pending=True).flag(date(2025, 1, 15)) == "expiring_soon"
    assert permit(renewal_pending=True).flag(date(2025, 3, 1)) == "expiring_soon"
    assert permit(renewal_pending=True).flag(date(2025, 3, 2)) == "renewal_pending"


@pytest.mark.parametrize("expiry", [date(2024, 9, 1), date(2024, 8, 31)])
def test_expiry_must_be_after_issue(expiry):
    error = violation(expiry_date=expiry)
    assert error.field == "expiry_date"
    assert error.message == f"expiry date {expiry.isoformat()} must be after issue date 2024-09-01"
    assert error.rule == "expiry_before_issue"


def test_expiry_one_day_after_issue_is_accepted():
    assert permit(expiry_date=date(2024, 9, 2)).expiry_date == date(2024, 9, 2)


@pytest.mark.parametrize("field", ["reason", "questura", "number"])
def test_blank_fields_are_rejected(field):
    error = violation(**{field: " "})
    assert (error.field, error.message) == (field, "must not be blank")


def test_postal_receipt_with_both_numbers_is_accepted():
    receipt = permit(document=PermitDocument.postal_receipt, number="0912345678", registered_mail_number="051234567890")
    assert receipt.registered_mail_number == "051234567890"


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"number": "091234567"}, "number",
         "file number must be 10 upper-case letters or digits, got '091234567'"),
        ({"number": "09123456789"}, "number", "file number must be 10"),
        ({"number": "09123-5678"}, "number", "file number must be 10"),
        ({"number": "09123abcde"}, "number", "file number must be 10"),
        ({"registered_mail_number": "05123456789"}, "registered_mail_number",
         "registered-mail number must be 12 upper-case letters or digits, got '05123456789'"),
        ({"registered_mail_number": None}, "registered_mail_number",
         "must be 12 upper-case letters or digits, got None"),
    ],
)  # fmt: skip
def test_postal_receipt_number_rules(changes, field, expected):
    fields = {"document": PermitDocument.postal_receipt, "number": "0912345678",
              "registered_mail_number": "051234567890"} | changes  # fmt: skip
    error = violation(**fields)
    assert error.field == field
    assert expected in error.message
    assert error.message.startswith("a 'postal_receipt' ")
    assert error.rule == "permit_number_format"


@pytest.mark.parametrize("document", [PermitDocument.electronic, PermitDocument.paper])
def test_registered_mail_number_only_for_postal_receipts(document):
    error = violation(document=document, registered_mail_number="051234567890")
    assert error.field == "registered_mail_number"
    assert error.message == f"is not used by a '{document}' document"
