"""Fixtures: the real daemon on the file journal, and a real Kafka broker."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kafka_broker import KafkaBroker  # noqa: E402
from schemad_proc import RUNNING, Schemad  # noqa: E402


@pytest.fixture
def schemad(tmp_path):
    """A fresh schemad on the file journal; stopped at the end."""
    d = Schemad(tmp_path / 'schemad')
    d.start()
    yield d
    d.stop()


@pytest.fixture(scope='session')
def kafka(tmp_path_factory):
    """One real Kafka broker (KRaft, loopback) for the whole session."""
    kb = KafkaBroker(str(tmp_path_factory.mktemp('kafka')))
    kb.start()
    yield kb
    kb.stop()


@pytest.fixture(autouse=True)
def stop_leftover_daemons():
    """A test that failed half-way leaves no daemon running."""
    yield
    for d in list(RUNNING):
        try:
            d.stop()
        except Exception:  # the test's own failure is what matters
            pass


@pytest.fixture(scope='session')
def kafka_secure(tmp_path_factory):
    """A broker of the default version (4.4) with SASL_PLAINTEXT
    (SCRAM-SHA-512, user/user) and SSL listeners besides PLAINTEXT."""
    kb = KafkaBroker(str(tmp_path_factory.mktemp('kafka-secure')), sasl=True, ssl=True)
    kb.start()
    yield kb
    kb.stop()


@pytest.fixture(scope='session')
def kafka_39(tmp_path_factory):
    """A Kafka 3.9.1 broker with a SASL_PLAINTEXT (SCRAM-SHA-512) listener,
    for the smoke test of older estates."""
    kb = KafkaBroker(str(tmp_path_factory.mktemp('kafka-39')), sasl=True, version='3.9.1')
    kb.start()
    yield kb
    kb.stop()


@pytest.fixture(scope='session')
def kafka_private(tmp_path_factory):
    """A broker that tests stop and restart (outages, readiness); each test
    leaves it running."""
    kb = KafkaBroker(str(tmp_path_factory.mktemp('kafka-private')))
    kb.start()
    yield kb
    kb.stop()
