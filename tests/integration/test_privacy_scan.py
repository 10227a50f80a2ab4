"""The end-of-session privacy check (tests/conftest.py) finds a name wherever it lands on the broker."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaProducer

from tests.kafka_support import new_topic
from tests.personal_data import matcher, on_kafka

pytestmark = pytest.mark.integration


async def test_names_are_found_in_any_topic_value_key_or_header(real_servers):
    topic = await new_topic(real_servers.kafka, partitions=2)  # a topic no list of the platform's names
    producer = AIOKafkaProducer(bootstrap_servers=real_servers.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"italian_level": "A2", "note": "Zainab Qorane"}', key=b"k", partition=1)
        await producer.send_and_wait(topic, b"{}", key=b"QRNZNB90A41Z336X", partition=0)
        await producer.send_and_wait(topic, b"{}", headers=[("reason", b"asked by WARSAMA")], partition=0)
    finally:
        await producer.stop()
    found = await on_kafka(real_servers.kafka, ["Zainab", "qrnznb90a41z336x", "Warsama", "Ali", "Qoran"])
    assert found == {"Zainab": [f"{topic}[1]@0"], "qrnznb90a41z336x": [f"{topic}[0]@0"],
                     "Warsama": [f"{topic}[0]@1"]}


def test_only_whole_words_match():
    find = matcher(["Ali", "Nur"])
    assert find(b'{"italian_level": "A1", "nurse": true}') == set()
    assert find(b'{"name": "ALI", "x": "nur_"}') == {"Ali", "Nur"}
