"""Who funds, leads and partners a project, as versions by recorded time (like its budget). A PUT
records a new version of the project's roles; the earlier ones are kept, so a report as of a past
time is read by, and covers, the organisations the project had as recorded by then: a funder that
took a project over later does not see its earlier reports, a partner that joined later is not in
the lead's aggregates before it joined. Versions are numbered in recorded order (`next_role_version`
never records one before the one it replaces), so the latest by number is the latest by time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from reporting.domain.access import ProjectInfo
from shared.errors import RuleViolation, Violations

ALWAYS = datetime.min.replace(tzinfo=UTC)  # roles known without their time: taken as held from the start


@dataclass(frozen=True)
class RoleVersion:
    version: int  # 1, 2, ... per project, in the order they were recorded
    recorded_at: datetime
    project: ProjectInfo


def project_roles(project_id: str, funder: str, lead: str, partners: Iterable[str]) -> ProjectInfo:
    """The roles as given, each organisation once: the lead is no partner of its own, a partner is
    named once (the same organisation twice would be counted, and listed, twice in a lead's report)."""
    partners = tuple(partners)
    errors = []
    for n, partner in enumerate(partners):
        if partner == lead:
            errors.append(RuleViolation(f"partners.{n}", "lead_among_partners",
                                        f"{partner!r} leads the project: it is not one of its partners"))
        elif partner in partners[:n]:
            errors.append(RuleViolation(f"partners.{n}", "duplicate_partner",
                                        f"{partner!r} is already partners.{partners.index(partner)}"))
    Violations.raise_any(errors)
    return ProjectInfo(project_id, funder, lead, partners)


def next_role_version(latest: RoleVersion | None, now: datetime, project: ProjectInfo) -> RoleVersion:
    """One more than the latest, recorded now but never before the version it replaces (a clock set
    back must not slip the new roles behind the old ones)."""
    if latest is None:
        return RoleVersion(1, now, project)
    return RoleVersion(latest.version + 1, max(now, latest.recorded_at), project)


def roles_in_force(versions: Iterable[RoleVersion], as_of: datetime) -> ProjectInfo | None:
    """The project as recorded at `as_of`: its latest version recorded at or before it. Before the
    first, the first: the roles a project was registered with are taken as held from its start (its
    events before the registration are the project's too, and were read by them). None: never registered."""
    versions = list(versions)
    known = [v for v in versions if v.recorded_at <= as_of]
    if known:
        return max(known, key=lambda v: v.version).project
    return min(versions, key=lambda v: v.version).project if versions else None
