import pytest

from reporting.domain.people import corrected_attributes
from shared.events.contracts import AgeBand, BeneficiaryCorrected

pytestmark = pytest.mark.unit


def test_a_correction_carries_only_the_counted_attributes_it_changed():
    event = BeneficiaryCorrected.model_validate({
        "corrected_on": "2025-03-01", "corrected_fields": ["birth_date", "household"], "age_band": "45_54",
        "household_size": 3, "children": 2,
    })
    assert corrected_attributes(event.changed_attributes()) == {"age_band": "45_54"}


def test_every_counted_attribute_is_applied_as_text():
    changed = {"sex": "M", "age_band": AgeBand.a65_plus, "legal_status": "refugee", "languages": ["ar"]}
    assert corrected_attributes(changed) == {"sex": "M", "age_band": "65_plus", "legal_status": "refugee"}


def test_a_correction_of_personal_fields_only_changes_no_count():
    event = BeneficiaryCorrected.model_validate({"corrected_on": "2025-03-01", "corrected_fields": ["first_name"]})
    assert corrected_attributes(event.changed_attributes()) == {}
