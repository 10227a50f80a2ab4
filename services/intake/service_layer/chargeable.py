"""Whether an activity may be charged to a project on a day: the project runs that day, and the
person's path was not closed before it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from intake.domain.path import ClosedPath, PathStatus, check_open_on, is_terminal
from intake.domain.projects import check_runs_on
from intake.service_layer.errors import RuleViolation
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.repository import Row

PATH_CLOSED = "path_closed"


async def check_project_runs(
    uow: IntakeUnitOfWork, principal: Principal, project_id: str, days: Mapping[str, date]
) -> None:
    """RuleViolation naming the first field of `days` (field -> day) whose day is outside the project's
    start and end dates; the project's period is read once."""
    period = await uow.projects.period_of(organisation_id=principal.organisation_id, code=project_id)
    if period is None:
        return  # not visible: the callers' own checks name the project
    for field, on in days.items():  # the domain's RuleViolation (outside_project_period) is the answer
        check_runs_on(project_id, period["start_date"], period["end_date"], on, field)


async def check_chargeable(
    uow: IntakeUnitOfWork, principal: Principal, person: Row, project_id: str, on: date, *, field: str
) -> None:
    """The project runs on `on` and the person's path was still open then (see check_open_on)."""
    await check_project_runs(uow, principal, project_id, {field: on})
    status = PathStatus(person["path_status"])
    if not is_terminal(status):
        return
    closed_on = await uow.path.entered_status_on(beneficiary_id=person["beneficiary_id"], status=status.value)
    try:
        check_open_on(status, closed_on, on)
    except ClosedPath as exc:
        raise RuleViolation(field, PATH_CLOSED, str(exc)) from None
