import os
from uuid import uuid4

import pytest

from intake.adapters.vault import Vault, VaultError
from reporting.domain.indicators import Cell, by_organisation_sex_age

pytestmark = pytest.mark.unit


@pytest.fixture
def vault():
    return Vault(os.urandom(32), os.urandom(32))


def test_sealed_personal_data_opens_only_for_its_person(vault):
    who = uuid4()
    sealed = vault.seal(who, {"first_name": "Amina", "fiscal_code": None})
    assert b"Amina" not in sealed.blob and b"Amina" not in sealed.wrapped_key
    assert vault.open(who, sealed.wrapped_key, sealed.blob) == {"first_name": "Amina", "fiscal_code": None}
    with pytest.raises(VaultError):
        vault.open(uuid4(), sealed.wrapped_key, sealed.blob)  # bound to the person's id


def test_destroyed_key_makes_the_data_unreadable(vault):
    who = uuid4()
    sealed = vault.seal(who, {"last_name": "Diallo"})
    with pytest.raises(VaultError, match="erased"):
        vault.open(who, None, sealed.blob)


def test_tampered_blob_is_refused(vault):
    who = uuid4()
    sealed = vault.seal(who, {"last_name": "Diallo"})
    tampered = sealed.blob[:-1] + bytes([sealed.blob[-1] ^ 1])
    with pytest.raises(VaultError):
        vault.open(who, sealed.wrapped_key, tampered)


def test_resealed_correction_opens_with_the_same_key(vault):
    who = uuid4()
    sealed = vault.seal(who, {"last_name": "Dialo"})
    corrected = vault.reseal(who, sealed.wrapped_key, {"last_name": "Diallo"})
    assert vault.open(who, sealed.wrapped_key, corrected) == {"last_name": "Diallo"}


def test_blind_indexes_are_keyed_and_kind_separated(vault):
    other = Vault(os.urandom(32), os.urandom(32))
    assert vault.blind_index("name", "amina") == vault.blind_index("name", "amina")
    assert vault.blind_index("name", "amina") != vault.blind_index("fiscal_code", "amina")
    assert vault.blind_index("name", "amina") != other.blind_index("name", "amina")


def test_operators_see_exact_counts_and_funders_small_cells_withheld():
    cells = [Cell("coop-a", "F", "25_34", 7), Cell("coop-a", "M", "18_24", 3), Cell("coop-b", "M", "25_34", 5)]
    exact = by_organisation_sex_age(cells, suppress_below=None)
    assert [c["count"] for c in exact["beneficiaries"]["cells"]] == [7, 3, 5]
    assert exact["suppression"] == {"applied": False}
    public = by_organisation_sex_age(cells, suppress_below=5)
    rows = {(c["organisation_id"], c["sex"]): c for c in public["beneficiaries"]["cells"]}
    assert rows[("coop-a", "M")] == {"organisation_id": "coop-a", "sex": "M", "age_band": "18_24", "count": None,
                                     "suppressed": True}
    assert rows[("coop-b", "M")]["count"] == 5  # 5 is not below 5
    assert public["beneficiaries"]["total_shown"] == 12  # the withheld 3 cannot be recovered from the total
    assert public["beneficiaries"]["suppressed_cells"] == 1
    assert public["suppression"]["rule"] == "counts below 5 are withheld"
