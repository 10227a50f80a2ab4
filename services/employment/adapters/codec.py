"""Employment's domain objects to and from their stored form (rows and JSON), one place for both stores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from employment.domain.levels import ContractType, CourseKind, OpeningKind, Payer, TraineeTarget
from employment.domain.openings import (
    BursaryTerms,
    Company,
    CourseTerms,
    JobOfferTerms,
    Opening,
    Requirements,
    TraineeshipTerms,
)
from employment.domain.people import Person
from employment.domain.pipeline import Hire, Placement, Stage


def _company(c: Company | None) -> dict[str, Any] | None:
    return None if c is None else {"name": c.name, "ateco_section": c.ateco_section, "ateco_code": c.ateco_code}


def _company_of(d: dict[str, Any] | None) -> Company | None:
    return None if d is None else Company(d["name"], d["ateco_section"], d.get("ateco_code"))


def terms_json(o: Opening) -> dict[str, Any]:
    t = o.terms
    if isinstance(t, TraineeshipTerms):
        return {"promoter": _company(t.promoter), "host": _company(t.host), "agreement_ref": t.agreement_ref,
                "agreement_signed_on": t.agreement_signed_on.isoformat(), "promoter_tutor": t.promoter_tutor,
                "host_tutor": t.host_tutor, "monthly_allowance_eur": str(t.monthly_allowance), "payer": t.payer.value,
                "project_share_eur": None if t.project_share_eur is None else str(t.project_share_eur),
                "fund_id": str(t.fund_id) if t.fund_id else None, "meals": t.meals, "target": t.target.value,
                "region": t.region}
    if isinstance(t, BursaryTerms):
        return {"monthly_amount_eur": str(t.monthly_amount), "months": t.months, "fund_id": str(t.fund_id),
                "host": _company(t.host)}
    if isinstance(t, CourseTerms):
        return {"course_kind": t.course_kind.value}
    return {"contract_type": t.contract_type.value, "employer": _company(t.employer),
            "requirements_note": t.requirements_note}


def terms_of(kind: OpeningKind, d: dict[str, Any]) -> TraineeshipTerms | BursaryTerms | CourseTerms | JobOfferTerms:
    if kind is OpeningKind.traineeship:
        promoter, host = _company_of(d["promoter"]), _company_of(d["host"])
        assert promoter is not None and host is not None
        return TraineeshipTerms(
            promoter=promoter, host=host, agreement_ref=d["agreement_ref"],
            agreement_signed_on=date.fromisoformat(d["agreement_signed_on"]), promoter_tutor=d["promoter_tutor"],
            host_tutor=d["host_tutor"], monthly_allowance=Decimal(d["monthly_allowance_eur"]), payer=Payer(d["payer"]),
            project_share_eur=Decimal(d["project_share_eur"]) if d.get("project_share_eur") else None,
            fund_id=UUID(d["fund_id"]) if d.get("fund_id") else None, meals=d["meals"],
            target=TraineeTarget(d["target"]), region=d.get("region", ""))
    if kind is OpeningKind.bursary:
        return BursaryTerms(Decimal(d["monthly_amount_eur"]), int(d["months"]), UUID(d["fund_id"]),
                            _company_of(d.get("host")))
    if kind is OpeningKind.course:
        return CourseTerms(CourseKind(d["course_kind"]))
    return JobOfferTerms(ContractType(d["contract_type"]), _company_of(d.get("employer")),
                         d.get("requirements_note", ""))


def opening_of(r: Any) -> Opening:
    kind = OpeningKind(r["kind"])
    return Opening(
        opening_id=r["opening_id"], organisation_id=r["organisation_id"], kind=kind, title=r["title"],
        municipality=r["municipality"], sector=r["sector"], start_date=r["start_date"], end_date=r["end_date"],
        seats=r["seats"], weekly_hours=r["weekly_hours"],
        requirements=Requirements(r["italian_level"], r["driving_licence"], r["max_weekly_hours"]),
        project_id=r["project_id"], terms=terms_of(kind, r["terms"]), status=r["status"],
    )


def person_of(r: Any) -> Person:
    return Person(
        beneficiary_id=r["beneficiary_id"], organisation_id=r["organisation_id"], registered_on=r["registered_on"],
        age_band=r["age_band"], sex=r["sex"], adult_from=r["adult_from"], italian_level=r["italian_level"],
        languages=tuple(r["languages"]), area=r["area"], municipality=r["municipality"],
        project_ids=tuple(r["project_ids"]), work_goal_since=r["work_goal_since"], consent_since=r["consent_since"],
        driving_licence=r["driving_licence"], mobility=frozenset(r["mobility"]), childcare_need=r["childcare_need"],
        available_from=r["available_from"], max_weekly_hours=r["max_weekly_hours"],
        experience={k: float(v) for k, v in r["experience"].items()}, women_inactive=r["women_inactive"],
        employed_since=r["employed_since"], path_closed=r["path_closed"], erased=r["erased"],
    )


def hire_json(h: Hire | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {"contract_type": h.contract_type.value, "monthly_income_eur": str(h.monthly_income_eur),
            "weekly_hours": h.weekly_hours, "workplace_municipality": h.workplace_municipality}


def placement_of(r: Any) -> Placement:
    h = r["hire"]
    return Placement(
        placement_id=r["placement_id"], opening_id=r["opening_id"], kind=OpeningKind(r["kind"]),
        beneficiary_id=r["beneficiary_id"], organisation_id=r["organisation_id"], stage=Stage(r["stage"]),
        since=r["since"], score=r["score"], reason=r["reason"], pinned=r["pinned"],
        hire=None if h is None else Hire(ContractType(h["contract_type"]), Decimal(h["monthly_income_eur"]),
                                         int(h["weekly_hours"]), h["workplace_municipality"]),
    )
