import os
from uuid import uuid4

import pytest

from intake.adapters.vault import Vault, VaultError

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
    """Reporting's rule (reporting/domain/suppression.py): exact for the organisation itself; outside it
    a count below 5 is withheld, 5 is not, and the withheld one cannot be recovered from the totals."""
    from decimal import Decimal

    from reporting.adapters.tauargus import TauArgus
    from reporting.domain.catalogue import Suppression
    from reporting.domain.counting import Cell
    from reporting.domain.suppression import ShownCell, protect_cells

    cells = [Cell(None, None, None, Decimal(15), 15), Cell(None, "sex", "F", Decimal(7), 7),
             Cell(None, "sex", "M", Decimal(3), 3), Cell(None, "sex", "X", Decimal(5), 5)]
    exact = [ShownCell(c) for c in cells]  # what an operator of the organisation gets
    assert [s.value for s in exact] == [15, 7, 3, 5]
    public = {s.cell.category: s for s in protect_cells(cells, Suppression(5, 30), TauArgus())}
    assert public["M"].value is None and public["M"].withheld == "primary"
    assert public[None].value == 15  # the total is published...
    # ...so another cell is withheld with the 3, and neither can be had by subtraction
    assert [c for c in ("F", "X") if public[c].withheld] and not all(public[c].withheld for c in ("F", "X"))
