import json
from datetime import date
from uuid import uuid4

import pytest

from shared.events import registry
from shared.events.codec import PoisonEvent, decode, encode, envelope_for, key_of
from shared.events.contracts import BeneficiaryRegistered, HousingCandidateWaiting
from shared.events.envelope import EventPayload

pytestmark = pytest.mark.unit


def waiting():
    return envelope_for(HousingCandidateWaiting(since=date(2026, 3, 1)), beneficiary_id=uuid4(),
                        organisation_id="coop-a", producer="housing")


def test_roundtrip_keeps_envelope_and_typed_payload():
    envelope = waiting()
    event = decode(encode(envelope))
    assert event.envelope == envelope
    assert event.payload == HousingCandidateWaiting(since=date(2026, 3, 1))
    assert key_of(envelope) == str(envelope.beneficiary_id).encode()


def test_unknown_fields_are_tolerated_in_envelope_and_payload():
    raw = json.loads(encode(waiting()))
    raw["added_later"] = 1
    raw["payload"]["also_new"] = "x"
    assert decode(json.dumps(raw).encode()).payload.since == date(2026, 3, 1)


def test_unknown_event_type_is_not_poison_but_not_ours():
    raw = json.loads(encode(waiting()))
    raw["event_type"] = "someone.elses_event"
    assert decode(json.dumps(raw).encode()) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "empty record value"),
        (b"\x00garbage", "invalid envelope"),
        (b'{"event_type": "x"}', "invalid envelope: schema_version: Field required"),
    ],
)
def test_poison_records_name_what_is_wrong(value, reason):
    with pytest.raises(PoisonEvent, match=reason):
        decode(value)


def test_invalid_payload_names_the_field():
    raw = json.loads(encode(waiting()))
    raw["payload"]["since"] = "not a date"
    with pytest.raises(PoisonEvent, match=r"invalid housing.candidate_waiting payload: since"):
        decode(json.dumps(raw).encode())


def test_newer_version_than_known_is_poison():
    raw = json.loads(encode(waiting()))
    raw["schema_version"] = 9
    with pytest.raises(PoisonEvent, match="newer than this service knows"):
        decode(json.dumps(raw).encode())


def test_upcasters_bring_an_old_payload_to_the_current_shape(monkeypatch):
    class Renamed(EventPayload):
        event_type = "test.renamed"
        version = 2
        household_size: int

    monkeypatch.setitem(registry._CONTRACTS, Renamed.event_type, Renamed)
    monkeypatch.setitem(registry._UPCASTERS, ("test.renamed", 1), lambda p: {"household_size": p["size"]})
    raw = json.loads(encode(waiting()))
    raw.update(event_type="test.renamed", schema_version=1, payload={"size": 3})
    assert decode(json.dumps(raw).encode()).payload == Renamed(household_size=3)


def test_registration_event_has_no_field_for_personal_data():
    fields = set(BeneficiaryRegistered.model_fields)
    personal = {"first_name", "last_name", "name", "birth_date", "fiscal_code", "permit", "contacts", "address",
                "phone", "email"}
    assert fields & personal == set()
