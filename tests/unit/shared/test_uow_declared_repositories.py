"""A service's unit of work declares its repositories once, as annotated attributes; the shared base
builds each on the work's connection. No server: a joined unit builds them on the connection it is given."""

from __future__ import annotations

from typing import ClassVar, cast

import pytest

from shared.db import Connection
from shared.uow import PostgresUnitOfWork

pytestmark = pytest.mark.unit


class Offers:
    def __init__(self, conn: object) -> None:
        self.conn = conn


class Seats(Offers):
    pass


class Port:
    """A protocol-like base: what it declares is the service layer's view, not a repository to build."""

    offers: object
    calendar: object


class OffersUnitOfWork(PostgresUnitOfWork, Port):
    offers: Offers
    limit: ClassVar[int] = 3


class SeatsUnitOfWork(OffersUnitOfWork):
    seats: Seats


def test_each_annotated_attribute_is_built_on_the_connection():
    conn = cast(Connection, object())
    uow = SeatsUnitOfWork.joined(conn, topic="t", producer="p")
    assert type(uow.offers) is Offers and type(uow.seats) is Seats
    assert uow.offers.conn is conn and uow.seats.conn is conn


def test_class_variables_and_the_ports_of_a_protocol_base_are_not_repositories():
    assert list(SeatsUnitOfWork._declared_repositories()) == ["offers", "seats"]
    assert list(OffersUnitOfWork._declared_repositories()) == ["offers"]
    assert not hasattr(OffersUnitOfWork.joined(cast(Connection, object()), topic="t", producer="p"), "calendar")
