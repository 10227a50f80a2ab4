import pytest

from intake.domain.access import PERSONAL_DATA_ROLES, Access, PersonalDataRefused, access_for

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("role", sorted(PERSONAL_DATA_ROLES))
def test_a_stated_purpose_opens_personal_data_for_casework_roles_and_is_audited(role):
    assert access_for(role, "casework", action="read") == Access(personal=True, audit_action="read")


@pytest.mark.parametrize("role", ["housing", "employment", "funder"])
def test_other_roles_are_refused_personal_data_even_with_a_purpose(role):
    with pytest.raises(PersonalDataRefused, match=f"role '{role}' may not read personal data"):
        access_for(role, "curious", action="read")


@pytest.mark.parametrize("role", ["operator", "housing", "funder"])
def test_without_a_purpose_only_coarse_attributes_and_nothing_audited(role):
    assert access_for(role, None, action="list") == Access(personal=False, audit_action=None)


def test_a_search_by_identity_needs_a_purpose_and_is_audited_as_a_search():
    with pytest.raises(PersonalDataRefused, match="needs a stated purpose"):
        access_for("operator", None, action="list", searches_identity=True)
    assert access_for("operator", "casework", action="list", searches_identity=True).audit_action == "search"
