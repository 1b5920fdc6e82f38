"""The test broker itself works: topics, produce/consume over PLAINTEXT,
SASL/SCRAM-SHA-512 and SSL, wrong credentials refused, restart keeps data."""

import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kafka_broker import KafkaBroker  # noqa: E402

confluent_kafka = pytest.importorskip('confluent_kafka')
from confluent_kafka import Consumer, KafkaException, Producer  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402


@pytest.fixture(scope='module')
def broker(tmp_path_factory):
    kb = KafkaBroker(tmp_path_factory.mktemp('kafka'), sasl=True, ssl=True,
                     users={'user': 'user', 'other': 'other-secret'})
    with kb:
        yield kb


def create_topic(conf, name, partitions=1):
    admin = AdminClient(conf)
    fs = admin.create_topics([NewTopic(name, partitions, 1)],
                             operation_timeout=10)
    fs[name].result(15)


def roundtrip(conf, topic, key, value):
    p = Producer(dict(conf, **{'acks': 'all', 'enable.idempotence': True}))
    errors = []
    p.produce(topic, value, key,
              on_delivery=lambda err, msg: err and errors.append(err))
    assert p.flush(15) == 0
    assert not errors, errors
    c = Consumer(dict(conf, **{'group.id': 'smoke-' + uuid.uuid4().hex,
                               'auto.offset.reset': 'earliest',
                               'enable.auto.commit': False}))
    try:
        c.assign([confluent_kafka.TopicPartition(topic, 0, 0)])
        got = []
        for _ in range(60):
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            got.append((m.key(), m.value()))
            if m.key() == key:
                break
        assert (key, value) in got
    finally:
        c.close()


def test_plaintext(broker):
    conf = broker.client_config('plain')
    create_topic(conf, 'smoke-plain')
    roundtrip(conf, 'smoke-plain', b'k1', b'hello')


def test_sasl_good_credentials(broker):
    conf = broker.client_config('sasl', 'other', 'other-secret')
    create_topic(conf, 'smoke-sasl')
    roundtrip(conf, 'smoke-sasl', b'k2', b'over scram')


def test_sasl_wrong_credentials_fail(broker):
    errors = []
    conf = broker.client_config('sasl', 'user', 'wrong-password')
    conf['error_cb'] = errors.append
    conf['logger'] = _Quiet()
    admin = AdminClient(conf)
    with pytest.raises(KafkaException):
        admin.list_topics(timeout=3)
    # error_cb is served from poll()
    for _ in range(20):
        admin.poll(0.2)
        if errors:
            break
    codes = {e.code() for e in errors}
    assert confluent_kafka.KafkaError._AUTHENTICATION in codes, errors
    assert 'invalid credentials' in str(errors[0])


class _Quiet:
    def log(self, *args, **kwargs):
        pass


def test_ssl(broker):
    conf = broker.client_config('ssl')
    create_topic(conf, 'smoke-ssl')
    roundtrip(conf, 'smoke-ssl', b'k3', b'over tls')


def test_restart_keeps_data(broker):
    conf = broker.client_config('plain')
    create_topic(conf, 'smoke-restart')
    roundtrip(conf, 'smoke-restart', b'before', b'restart')
    ports = dict(broker.ports)
    broker.restart()
    assert broker.ports == ports
    roundtrip(conf, 'smoke-restart', b'after', b'restart')
    c = Consumer(dict(conf, **{'group.id': 'smoke-r',
                               'enable.auto.commit': False}))
    try:
        lo, hi = c.get_watermark_offsets(
            confluent_kafka.TopicPartition('smoke-restart', 0), timeout=10)
        assert (lo, hi) == (0, 2)
    finally:
        c.close()


def test_kafka_39_scram(kafka_39):
    """The Kafka 3.9 broker of the older-estate smoke test (conftest's
    kafka_39, shared with test_kafka_security.py) takes SCRAM logins."""
    conf = kafka_39.client_config('sasl')
    create_topic(conf, 'smoke-39')
    roundtrip(conf, 'smoke-39', b'k39', b'kafka 3.9')
