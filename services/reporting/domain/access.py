"""Who sees which figures, exactly or suppressed: decided here, once.

- An organisation's operators and coordinators see their own organisation's figures exactly.
- A coordinator of a project's lead organisation sees the aggregates of every organisation of that
  project (the lead and its partners), suppressed: they leave the partners' hands.
- A funder sees every organisation of the projects it funds, suppressed.
- An admin is its organisation's: it sees what the organisation's coordinator sees, no other
  organisation's figures (as every role on the platform acts within its own organisation).
- Any export marked external is suppressed, whoever asks for it.
The timeline of a person is for the operators, coordinators and admins of the person's organisation.
A project is registered and changed by an admin of its lead organisation only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reporting.domain.counting import Scope
from shared.errors import Forbidden

OWN_ORGANISATION_ROLES = ("operator", "coordinator", "admin")
CONSORTIUM_ROLES = ("coordinator", "admin")  # the lead's: they see the partners' aggregates
TIMELINE_ROLES = ("operator", "coordinator", "admin")


@dataclass(frozen=True)
class Viewer:
    role: str
    organisation_id: str


@dataclass(frozen=True)
class ProjectInfo:
    project_id: str
    funder: str
    lead_organisation_id: str
    partners: tuple[str, ...]

    @property
    def organisations(self) -> tuple[str, ...]:
        return (self.lead_organisation_id, *self.partners)


@dataclass(frozen=True)
class Audience:
    """What a report for this viewer covers and whether its figures are suppressed."""

    scope: Scope
    suppressed: bool
    by_organisation: bool


def audience(viewer: Viewer, *, organisation_id: str | None, project: ProjectInfo | None,
             funded: Sequence[ProjectInfo], external: bool) -> Audience:
    """The audience of one report: an organisation's (organisation_id) or a project's (project)."""
    if project is not None:
        return _project_audience(viewer, project, organisation_id, external)
    if viewer.role in OWN_ORGANISATION_ROLES:
        if organisation_id not in (None, viewer.organisation_id):
            raise Forbidden(f"a {viewer.role} sees the figures of their own organisation only")
        return Audience(Scope(organisations=(viewer.organisation_id,)), external, False)
    if viewer.role == "funder":
        projects = tuple(p.project_id for p in funded)
        if not projects:
            raise Forbidden("this funder funds no project known to reporting")
        organisations = tuple(sorted({o for p in funded for o in p.organisations}))
        if organisation_id is not None:
            if organisation_id not in organisations:
                raise Forbidden(f"organisation {organisation_id!r} works in none of this funder's projects")
            organisations = (organisation_id,)
        return Audience(Scope(organisations=organisations, projects=projects), True, True)
    raise Forbidden(f"role {viewer.role!r} reads no indicators")


def _project_audience(viewer: Viewer, project: ProjectInfo, organisation_id: str | None,
                      external: bool) -> Audience:
    organisations = project.organisations if organisation_id is None else (organisation_id,)
    if organisation_id is not None and organisation_id not in project.organisations:
        raise Forbidden(f"organisation {organisation_id!r} is not in project {project.project_id!r}")
    scope = Scope(organisations=organisations, projects=(project.project_id,))
    if viewer.role == "funder":
        if viewer.organisation_id != project.funder:
            raise Forbidden(f"project {project.project_id!r} is not funded by {viewer.organisation_id!r}")
        return Audience(scope, True, True)
    if viewer.role in OWN_ORGANISATION_ROLES:
        if organisations == (viewer.organisation_id,):
            return Audience(scope, external, False)
        if viewer.role in CONSORTIUM_ROLES and viewer.organisation_id == project.lead_organisation_id:
            return Audience(scope, True, True)
        if viewer.organisation_id not in project.organisations:
            raise Forbidden(f"organisation {viewer.organisation_id!r} is not in project {project.project_id!r}")
        if organisation_id is not None:
            raise Forbidden(f"a {viewer.role} of {viewer.organisation_id!r} sees its own part of project "
                            f"{project.project_id!r} only, not {organisation_id!r}'s")
        return Audience(Scope(organisations=(viewer.organisation_id,), projects=(project.project_id,)), external,
                        False)
    raise Forbidden(f"role {viewer.role!r} reads no indicators")


def may_read_timeline(viewer: Viewer, person_organisation: str | None) -> bool:
    return viewer.role in TIMELINE_ROLES and person_organisation == viewer.organisation_id


def check_may_register(viewer: Viewer, *, registered: ProjectInfo | None, lead_organisation_id: str) -> None:
    """Only an admin of the lead organisation registers a project, and only the admin of the lead it has
    (the one recorded last) changes it, a hand-over to another lead included."""
    lead = registered.lead_organisation_id if registered is not None else lead_organisation_id
    if viewer.role != "admin" or viewer.organisation_id != lead:
        what = f"project {registered.project_id!r} is led by {lead!r}" if registered is not None else (
            f"a project led by {lead!r} is registered by that organisation")
        raise Forbidden(f"{what}: only an admin of {lead!r} may register or change it")
