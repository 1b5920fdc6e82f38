"""The examples (examples/producer.py, examples/consumer.py) against schemad
on a real broker: HTTP/1.1, HTTPS, and everything on SASL_PLAINTEXT
SCRAM-SHA-512 (producer, consumer and schemad's journal)."""

import itertools
import os
import subprocess
import sys
import time

import pytest

from kafka_broker import make_tls_files
from schemad_proc import Schemad, free_port
from topics import read_topic

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'examples')
sys.path.insert(0, os.path.abspath(EXAMPLES))

import consumer  # noqa: E402
import producer  # noqa: E402

_topics = itertools.count()
CANONICAL_USER = ('{"type":"record","name":"User","namespace":"ssup2.com","fields":['
                  '{"name":"id","type":"int"},{"name":"name","type":"string"},'
                  '{"name":"email","type":"string"}]}')


def new_topic():
    return '_schemas_flow_%d_%d' % (os.getpid(), next(_topics))


def schemad_on(bootstrap, workdir, **settings):
    s = {'journal': 'kafka', 'kafkastore.bootstrap.servers': bootstrap,
         'kafkastore.topic': new_topic(), 'kafkastore.init.timeout.ms': '30000',
         'kafkastore.timeout.ms': '5000'}
    s.update(settings)
    return Schemad(workdir, s)



def run_flow(d, env):
    """Producer then consumer; checks what went through the registry."""
    t0 = time.monotonic()
    sent = producer.main(env)
    got = consumer.main(env, count=len(sent), timeout=60)
    assert got == sent
    # `user` was registered by the producer, `user-events-value` by the
    # serializer (auto.register.schemas), both with the one schema id.
    assert d.get('/subjects') == (200, ['user', 'user-events-value'])
    for s in ('user', 'user-events-value'):
        st, body = d.get('/subjects/%s/versions/latest' % s)
        assert st == 200 and body['id'] == 1 and body['schema'] == CANONICAL_USER
    # A second run finds `user` registered and reuses it.
    assert producer.main(env) == sent
    assert consumer.main(env, count=len(sent), timeout=60) == sent
    assert d.get('/subjects/user/versions') == (200, [1])
    print('flow: %.1f s' % (time.monotonic() - t0))


def test_flow_http(kafka, tmp_path):
    d = schemad_on(kafka.bootstrap, tmp_path / 's')
    d.start()
    try:
        env = {'SCHEMA_REGISTRY_URL': d.url, 'KAFKA_BOOTSTRAP_SERVERS': kafka.bootstrap}
        run_flow(d, env)
        # And as scripts, the way the README runs them.
        full = dict(os.environ, **env)
        for script in ('producer.py', 'consumer.py'):
            r = subprocess.run([sys.executable, os.path.join(EXAMPLES, script)], env=full,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=120)
            assert r.returncode == 0, r.stdout
        assert r.stdout.count("'email': 'carol@ssup2.com'") == 1, r.stdout
    finally:
        d.stop()


def header_guids(bootstrap):
    """The GUIDs in the `__value_schema_id` headers of the examples' topic
    (magic byte 1, then the 16 bytes)."""
    import uuid
    from confluent_kafka import Consumer
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'hdr-%d' % os.getpid(),
                  'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    c.subscribe([producer.TOPIC])
    found, idle = set(), 0
    try:
        while idle < 6:
            msg = c.poll(0.5)
            if msg is None or msg.error():
                idle += 1
                continue
            idle = 0
            for k, v in msg.headers() or []:
                if k == '__value_schema_id' and len(v) == 17 and v[0] == 1:
                    found.add(str(uuid.UUID(bytes=v[1:])))
    finally:
        c.close()
    return found


def test_flow_confluent8_header_and_prefix(kafka, tmp_path):
    """The newest confluent-kafka against the default dialect (8): header
    mode (the GUID in `__value_schema_id`, resolved through
    /schemas/guids/{guid}) and prefix mode alongside it, on one topic."""
    import confluent_kafka
    v = confluent_kafka.version()
    v = v[0] if isinstance(v, tuple) else v
    assert tuple(int(x) for x in v.split('.')[:2]) >= (2, 14), v
    d = schemad_on(kafka.bootstrap, tmp_path / 's', **{'confluent.version': '8'})
    d.start()
    try:
        base = {'SCHEMA_REGISTRY_URL': d.url, 'KAFKA_BOOTSTRAP_SERVERS': kafka.bootstrap}
        header = dict(base, SCHEMA_ID_MODE='header')
        sent = producer.main(header)
        # The records carry the GUID, not the id.
        st, body = d.get('/subjects/user-events-value/versions/latest')
        assert st == 200 and body['guid'] and body['schemaType'] == 'AVRO'
        st, by_guid = d.get('/schemas/guids/' + body['guid'])
        assert st == 200 and by_guid['schema'] == CANONICAL_USER
        assert consumer.main(base, count=len(sent), timeout=60) == sent
        assert header_guids(kafka.bootstrap) >= {body['guid']}
        # Prefix mode on the same topic, and both kinds read back together.
        prefixed = producer.main(base)
        more = producer.main(header)
        assert consumer.main(base, count=len(prefixed) + len(more),
                             timeout=60) == prefixed + more
        assert d.get('/subjects') == (200, ['user', 'user-events-value'])
        assert d.get('/subjects/user/versions') == (200, [1])
    finally:
        d.stop()


def test_flow_https(kafka, tmp_path):
    ca, _ = make_tls_files(str(tmp_path / 'tls'))
    tls = os.path.dirname(ca)
    port = free_port()
    d = schemad_on(kafka.bootstrap, tmp_path / 's', **{
        'ssl.certificate.location': os.path.join(tls, 'server.pem'),
        'ssl.key.location': os.path.join(tls, 'server.key')})
    d.settings['listeners'] = 'http://127.0.0.1:%d,https://127.0.0.1:%d' % (d.port, port)
    d.start()
    try:
        run_flow(d, {'SCHEMA_REGISTRY_URL': 'https://127.0.0.1:%d' % port,
                     'SCHEMA_REGISTRY_CA': ca,
                     'KAFKA_BOOTSTRAP_SERVERS': kafka.bootstrap})
    finally:
        d.stop()


JAAS = ('org.apache.kafka.common.security.scram.ScramLoginModule required '
        'username="user" password="user";')


@pytest.mark.parametrize('credentials', [
    {'kafkastore.sasl.jaas.config': JAAS},
    {'kafkastore.sasl.username': 'user', 'kafkastore.sasl.password': 'user'},
], ids=['jaas', 'username'])
def test_flow_sasl_scram(kafka_secure, tmp_path, credentials):
    settings = {'kafkastore.security.protocol': 'SASL_PLAINTEXT',
                'kafkastore.sasl.mechanism': 'SCRAM-SHA-512'}
    settings.update(credentials)
    # Confluent's PROTOCOL://host:port form of the bootstrap list.
    d = schemad_on('SASL_PLAINTEXT://' + kafka_secure.sasl_bootstrap, tmp_path / 's',
                   **settings)
    d.start()
    try:
        run_flow(d, {'SCHEMA_REGISTRY_URL': d.url,
                     'KAFKA_BOOTSTRAP_SERVERS': kafka_secure.sasl_bootstrap,
                     'KAFKA_SECURITY_PROTOCOL': 'SASL_PLAINTEXT',
                     'KAFKA_SASL_MECHANISM': 'SCRAM-SHA-512',
                     'KAFKA_SASL_USERNAME': 'user',
                     'KAFKA_SASL_PASSWORD': 'user'})
        # schemad's records went over the SASL listener: the topic holds them.
        keys = [k for k, _ in read_topic(kafka_secure.bootstrap, d.settings['kafkastore.topic'])]
        assert keys.count(b'{"keytype":"SCHEMA","subject":"user","version":1,"magic":1}') == 1
        assert keys.count(
            b'{"keytype":"SCHEMA","subject":"user-events-value","version":1,"magic":1}') == 1
    finally:
        d.stop()
