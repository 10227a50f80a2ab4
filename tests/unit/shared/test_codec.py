import json
from datetime import date
from uuid import uuid4

import pytest

from shared.events import registry
from shared.events.codec import Decoder, PoisonEvent, decode, encode, envelope_for, key_of
from shared.events.contracts import BeneficiaryRegistered, HousingCandidateWaiting
from shared.events.envelope import Envelope, EventPayload

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


def test_event_ids_are_time_ordered_so_indexes_grow_at_one_edge():
    ids = [waiting().event_id for _ in range(2000)]
    assert {i.version for i in ids} == {7}
    assert ids == sorted(ids)  # in creation order, within one millisecond too
    assert len(set(ids)) == len(ids)
    assert Envelope.model_validate(waiting().model_dump(exclude={"event_id"})).event_id.version == 7


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


class Renamed(EventPayload):
    """A contract at v2 whose v1 called the field `size`."""

    event_type = "test.renamed"
    version = 2
    household_size: int


@pytest.fixture
def renamed(monkeypatch):
    monkeypatch.setitem(registry._CONTRACTS, Renamed.event_type, Renamed)
    monkeypatch.setitem(registry._UPCASTERS, ("test.renamed", 1), lambda p: {"household_size": p["size"]})
    return Renamed


def test_upcasters_bring_an_old_payload_to_the_current_shape(renamed):
    raw = json.loads(encode(waiting()))
    raw.update(event_type="test.renamed", schema_version=1, payload={"size": 3})
    assert decode(json.dumps(raw).encode()).payload == Renamed(household_size=3)


def test_registration_event_has_no_field_for_personal_data():
    fields = set(BeneficiaryRegistered.model_fields)
    personal = {"first_name", "last_name", "name", "birth_date", "fiscal_code", "permit", "contacts", "address",
                "phone", "email"}
    assert fields & personal == set()


# --- a consumer's decoder: one pass for its own current types, the two-step path for the rest ---

def registered():
    return envelope_for(
        BeneficiaryRegistered(registered_on=date(2026, 3, 1), age_band="25_34", sex="F", legal_status="refugee",
                              household_size=2, children=1, single_parent=True, italian_level="A2"),
        beneficiary_id=uuid4(), organisation_id="coop-a", producer="intake", project_id="FAMI-1",
    )


@pytest.mark.parametrize(
    "handled", [["housing.candidate_waiting"], ["housing.candidate_waiting", "intake.beneficiary_registered"]]
)
def test_decoder_reads_a_current_event_in_one_pass_as_the_two_steps_would(handled):
    decoder = Decoder(handled)
    for envelope in (waiting(), registered()):
        if envelope.event_type not in handled:
            continue
        read, event = decoder.decode(encode(envelope))
        assert type(read) is not type(envelope)  # the typed envelope: one validation, not two
        both = decode(encode(envelope))
        assert event.payload == both.payload
        assert read.model_dump(exclude={"payload"}) == both.envelope.model_dump(exclude={"payload"})


def test_decoder_ignores_a_type_it_does_not_handle_without_validating_its_payload():
    raw = json.loads(encode(registered()))
    raw["payload"]["sex"] = "not a sex"  # another service's problem, not this consumer's poison
    envelope, event = Decoder(["housing.candidate_waiting"]).decode(json.dumps(raw).encode())
    assert event is None and envelope.event_type == "intake.beneficiary_registered"


def test_decoder_names_what_is_wrong_with_a_handled_event():
    decoder = Decoder(["housing.candidate_waiting"])
    raw = json.loads(encode(waiting()))
    raw["payload"]["since"] = "not a date"
    with pytest.raises(PoisonEvent, match=r"invalid housing.candidate_waiting payload: since"):
        decoder.decode(json.dumps(raw).encode())
    raw = json.loads(encode(waiting()))
    raw["schema_version"] = 9
    with pytest.raises(PoisonEvent, match="newer than this service knows"):
        decoder.decode(json.dumps(raw).encode())
    with pytest.raises(PoisonEvent, match="invalid envelope"):
        decoder.decode(b"\x00garbage")


def test_decoder_tolerates_unknown_fields_and_upcasts_old_versions(renamed):
    decoder = Decoder(["test.renamed", "housing.candidate_waiting"])
    raw = json.loads(encode(waiting()))
    raw.update(event_type="test.renamed", schema_version=1, payload={"size": 3})
    assert decoder.decode(json.dumps(raw).encode())[1].payload == Renamed(household_size=3)
    raw.update(schema_version=2, payload={"household_size": 4, "added_later": True}, also_new=1)
    assert decoder.decode(json.dumps(raw).encode())[1].payload == Renamed(household_size=4)


def test_an_envelope_read_in_one_pass_encodes_back_to_the_same_event(recwarn):
    value = encode(registered())
    envelope, _ = Decoder(["intake.beneficiary_registered"]).decode(value)
    assert json.loads(encode(envelope)) == json.loads(value)
    assert not [w for w in recwarn if "serializ" in str(w.message).lower()]
