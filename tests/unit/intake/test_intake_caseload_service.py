"""Intake's caseload use cases through the in-memory unit of work and its caseload twins, no server:
an import's dry run, all-or-none, re-import; consent withdrawal; the audit log's pages and a person's
access report; the data export, refused after erasure. The same use cases run on PostgreSQL in
tests/integration/test_intake_import.py and test_intake_consent_and_audit.py."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest

from intake.adapters.memory import InMemoryIntakeUnitOfWork
from intake.adapters.vault import Vault
from intake.domain.importing import CellError
from intake.service_layer import audit, consent, erasure, importing_interventions, projects, registration
from intake.service_layer.commands import InterventionIn
from intake.service_layer.errors import Conflict
from intake.service_layer.importing import ImportRow, import_people
from intake.service_layer.importing_interventions import InterventionRow
from shared.events.contracts import BeneficiaryRegistered
from shared.events.contracts.consent import ConsentWithdrawn
from tests.unit.intake.test_intake_service_layer import ADMIN, OPERATOR, PROJECT, TODAY, person, project

pytestmark = pytest.mark.unit


@pytest.fixture
def vault() -> Vault:
    return Vault(os.urandom(32), os.urandom(32))


@pytest.fixture
async def uow() -> InMemoryIntakeUnitOfWork:
    u = InMemoryIntakeUnitOfWork()
    await projects.create(u, ADMIN, project(PROJECT))
    return u


def rows(*people: tuple[str, dict]) -> list[ImportRow]:
    return [ImportRow(n, ref, person(**extra)) for n, (ref, extra) in enumerate(people, start=2)]


def outbox_types(uow: InMemoryIntakeUnitOfWork) -> list[str]:
    return [json.loads(r.value)["event_type"] for r in uow.tables.outbox]


PEOPLE = (("R-1", {"first_name": "Amina"}), ("R-2", {"first_name": "Hodan", "birth_date": "1990-01-02"}))


async def test_a_dry_run_checks_every_row_and_stores_nothing(uow, vault):
    report = await import_people(uow, vault, ADMIN, rows(*PEOPLE), dry_run=True, today=TODAY)
    assert report.valid and not report.stored and [r.outcome for r in report.rows] == ["new", "new"]
    assert uow.tables.beneficiaries == {} and uow.tables.consents == [] and uow.tables.outbox == []


async def test_one_refused_row_stores_none_and_each_refusal_is_named(uow, vault):
    bad = ImportRow(4, "R-3", None, [CellError("birth_date", "birth_date", "date_in_future", "in the future")])
    unknown = ("R-4", {"first_name": "Sahra", "birth_date": "1988-05-05", "project_ids": ["NOPE-1"]})
    report = await import_people(uow, vault, ADMIN, [*rows(*PEOPLE), bad, *rows(unknown)[:1]], dry_run=False,
                                 today=TODAY)
    assert not report.valid and not report.stored
    assert [r.outcome for r in report.rows] == ["new", "new", "invalid", "invalid"]
    assert [e.rule for e in report.rows[2].errors] == ["date_in_future"]
    assert [(e.field, e.rule) for e in report.rows[3].errors] == [("project_ids.0", "unknown_project")]
    assert uow.tables.beneficiaries == {} and uow.tables.outbox == [] and uow.tables.consents == []


async def test_a_stored_import_announces_each_person_and_a_second_import_creates_nothing(uow, vault):
    first = await import_people(uow, vault, ADMIN, rows(*PEOPLE), dry_run=False, today=TODAY)
    assert first.stored and first.count("new") == 2
    ids = [r.beneficiary_id for r in first.rows]
    assert set(uow.tables.beneficiaries) == set(ids)
    assert outbox_types(uow) == ["intake.beneficiary_registered"] * 2
    assert {c["beneficiary_id"] for c in uow.tables.consents} == set(ids)  # the trigger's rows, in the twin too
    again = await import_people(uow, vault, ADMIN, rows(*PEOPLE), dry_run=False, today=TODAY)
    assert again.stored and [(r.outcome, r.beneficiary_id) for r in again.rows] == [
        ("already_imported", i) for i in ids]
    assert len(uow.tables.beneficiaries) == 2 and len(uow.tables.outbox) == 2


async def test_duplicates_in_the_file_and_against_registered_people_are_refused(uow, vault):
    code = "WRSMNA95C50Z345N"
    registered = await registration.register(uow, vault, OPERATOR, person(fiscal_code=code), today=TODAY)
    report = await import_people(uow, vault, ADMIN, rows(
        ("R-1", {"fiscal_code": code, "first_name": "Aminah"}),
        ("R-2", {"first_name": "Hodan", "birth_date": "1990-01-02"}),
        ("R-3", {"first_name": "Hodan", "birth_date": "1990-01-02"}),
    ), dry_run=False, today=TODAY)
    assert not report.stored
    assert [e.rule for e in report.rows[0].errors] == ["duplicate"]
    assert [m.beneficiary_id for m in report.rows[0].matches] == [registered.beneficiary_id]
    assert [(e.field, e.rule) for e in report.rows[2].errors] == [("last_name", "repeated_in_file")]
    assert list(uow.tables.beneficiaries) == [registered.beneficiary_id]


async def test_interventions_need_a_person_imported_before_and_are_recorded_once(uow, vault):
    await import_people(uow, vault, ADMIN, rows(PEOPLE[0]), dry_run=False, today=TODAY)
    met = InterventionIn(kind="counselling", date=TODAY - timedelta(days=1), duration_minutes=45, operator_id="op-1",
                         project_id=PROJECT)
    file = [InterventionRow(2, "I-1", "R-1", met), InterventionRow(3, "I-2", "R-404", met)]
    refused = await importing_interventions.import_interventions(uow, vault, ADMIN, file, dry_run=False, today=TODAY)
    assert not refused.stored and [e.rule for e in refused.rows[1].errors] == ["unknown_person"]
    assert uow.tables.interventions == []
    done = await importing_interventions.import_interventions(uow, vault, ADMIN, file[:1], dry_run=False, today=TODAY)
    assert done.stored and done.rows[0].outcome == "new" and len(uow.tables.interventions) == 1
    again = await importing_interventions.import_interventions(uow, vault, ADMIN, file[:1], dry_run=False,
                                                              today=TODAY)
    assert (again.rows[0].outcome, again.rows[0].intervention_id) == ("already_imported", done.rows[0].intervention_id)
    assert len(uow.tables.interventions) == 1
    assert outbox_types(uow).count("intake.intervention_recorded") == 1


async def test_a_withdrawn_consent_is_announced_leaves_the_scope_and_cannot_be_withdrawn_twice(uow, vault):
    scope = {"given": True, "date": "2026-11-01", "scope": ["processing", "employment_referral"]}
    done = await registration.register(uow, vault, OPERATOR, person(consent=scope), today=TODAY)
    view = await consent.withdraw(uow, OPERATOR, done.beneficiary_id, "employment_referral", withdrawn_on=TODAY,
                                  today=TODAY)
    states = {p["purpose"]: p["status"] for p in view["purposes"]}
    assert (states["employment_referral"], states["processing"]) == ("withdrawn", "in_force")
    (withdrawn,) = uow.committed_of(ConsentWithdrawn)
    assert withdrawn.payload["purpose"] == "employment_referral" and withdrawn.beneficiary_id == done.beneficiary_id
    assert uow.tables.beneficiaries[done.beneficiary_id]["consent_scope"] == ["processing"]
    commits = uow.commits
    with pytest.raises(Conflict) as twice:
        await consent.withdraw(uow, OPERATOR, done.beneficiary_id, "employment_referral", withdrawn_on=TODAY,
                               today=TODAY)
    assert twice.value.rule == "consent_not_given" and uow.commits == commits
    assert len(uow.committed_of(ConsentWithdrawn)) == 1


async def test_an_expired_consent_is_swept_into_a_withdrawal_once(uow, vault):
    scope = {"given": True, "date": "2026-11-01", "scope": ["processing"], "expires_on": "2026-11-10"}
    done = await registration.register(uow, vault, OPERATOR, person(consent=scope), today=TODAY)
    assert await consent.expire_due(lambda: uow, today=TODAY) == 1
    assert await consent.expire_due(lambda: uow, today=TODAY) == 0
    assert [json.loads(r.value)["payload"]["cause"] for r in uow.tables.outbox] == ["expired"]
    assert uow.tables.beneficiaries[done.beneficiary_id]["consent_scope"] == []


async def test_the_audit_log_pages_newest_first_and_the_access_report_counts_each_reader(uow, vault):
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    for _ in range(3):
        await audit.access_report(uow, ADMIN, done.beneficiary_id, purpose="case_management")
    total, page = await audit.access_log(uow, ADMIN, audit.AccessQuery(beneficiary_id=done.beneficiary_id),
                                         limit=2, offset=0)
    _, rest = await audit.access_log(uow, ADMIN, audit.AccessQuery(), limit=2, offset=2)
    assert total == 3 and len(page) == 2 and len(rest) == 1
    assert page[0]["id"] > page[1]["id"] > rest[0]["id"]
    assert (await audit.access_log(uow, ADMIN, audit.AccessQuery(actor="nobody"), limit=10, offset=0)) == (0, [])
    report = await audit.access_report(uow, ADMIN, done.beneficiary_id, purpose="case_management")
    (reader,) = report["readers"]
    assert (reader["actor"], reader["reads"], reader["purposes"]) == ("admin-1", 4, ["case_management"])


async def test_the_export_opens_every_record_and_is_refused_once_the_person_is_erased(uow, vault):
    done = await registration.register(uow, vault, OPERATOR, person(), today=TODAY)
    out = await audit.export(uow, vault, ADMIN, done.beneficiary_id, purpose="data_subject_request")
    assert out["registration"]["personal"]["first_name"] == "Amina"
    assert [(c["purpose"], c["action"]) for c in out["consents"]] == [("processing", "given")]
    assert uow.tables.pii_access_log[-1]["action"] == "export"
    await erasure.erase(uow, ADMIN, done.beneficiary_id, reason="request", today=TODAY)
    audited = len(uow.tables.pii_access_log)
    with pytest.raises(Conflict) as refused:
        await audit.export(uow, vault, ADMIN, done.beneficiary_id, purpose="data_subject_request")
    assert refused.value.rule == "erased"
    assert len(uow.tables.pii_access_log) == audited  # the refused export left nothing behind
    assert uow.committed_of(BeneficiaryRegistered)[0].beneficiary_id == done.beneficiary_id
