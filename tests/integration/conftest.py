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
