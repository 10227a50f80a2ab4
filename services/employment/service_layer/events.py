"""Employment's wire events built from its domain objects: ids, kinds, sectors, codes and amounts only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from employment.domain.levels import OpeningKind
from employment.domain.matching.model import ScoreParts
from employment.domain.openings import Opening
from employment.domain.pipeline import Hire, Placement
from shared.events.contracts import (
    EmploymentHired,
    EmploymentIncomeChanged,
    EmploymentPaymentMade,
    EmploymentProposalMade,
    EmploymentStageChanged,
)

_WIRE_KIND = {OpeningKind.traineeship: "traineeship", OpeningKind.bursary: "bursary", OpeningKind.course: "course",
              OpeningKind.job_offer: "job"}


def wire_kind(kind: OpeningKind) -> str:
    return _WIRE_KIND[kind]


def proposal_made(p: Placement, o: Opening, parts: ScoreParts) -> EmploymentProposalMade:
    return EmploymentProposalMade(
        proposal_id=p.placement_id, opening_id=o.opening_id, opening_kind=wire_kind(o.kind),
        sector=o.sector, municipality=o.municipality, score=float(parts.points),
        score_parts={k: round(v, 4) for k, v in parts.parts.items()}, made_on=p.since,
    )


def stage_changed(before: Placement, after: Placement, *, sector: str | None) -> EmploymentStageChanged:
    return EmploymentStageChanged(
        proposal_id=after.placement_id, opening_id=after.opening_id, opening_kind=wire_kind(after.kind),
        sector=sector, from_stage=before.stage.value, to_stage=after.stage.value,
        changed_on=after.since, reason=after.reason,
    )


def hired(p: Placement, hire: Hire, sector: str | None) -> EmploymentHired:
    return EmploymentHired(contract_type=hire.contract_type.value, sector=sector,
                           municipality=hire.workplace_municipality, hired_on=p.since,
                           weekly_hours=hire.weekly_hours, opening_id=p.opening_id)


def income(source: str, monthly: Decimal, since: date, until: date | None, workplace: str | None
           ) -> EmploymentIncomeChanged:
    return EmploymentIncomeChanged(source=source, monthly_income_eur=str(monthly.quantize(Decimal("0.01"))),
                                   since=since, until=until, workplace_municipality=workplace)


def payment_made(payment_id: UUID, o: Opening, fund_id: UUID, project_id: str, month: str, amount: Decimal,
                 on: date) -> EmploymentPaymentMade:
    kind = "bursary" if o.kind is OpeningKind.bursary else "traineeship_allowance"
    return EmploymentPaymentMade(payment_id=payment_id, kind=kind, opening_id=o.opening_id,
                                 fund_id=fund_id, project_id=project_id, month=month, amount_eur=str(amount),
                                 paid_on=on)
