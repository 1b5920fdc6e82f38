"""schemad's journal on secured Kafka listeners (Kafka 4.4): wrong SCRAM
credentials are one clear error and a quick non-zero exit; SSL with a PEM
or PKCS#12 trust store works end to end; and a SCRAM smoke test on Kafka
3.9 for older estates."""

import itertools
import os
import time

from schemad_proc import Schemad, avro_record

_topics = itertools.count()


def new_topic():
    return '_schemas_sec_%d_%d' % (os.getpid(), next(_topics))


def test_wrong_scram_credentials_exit_with_one_clear_error(kafka_secure, tmp_path):
    init_ms = 20000
    d = Schemad(tmp_path / 's', {
        'journal': 'kafka',
        'kafkastore.bootstrap.servers': 'SASL_PLAINTEXT://' + kafka_secure.sasl_bootstrap,
        'kafkastore.topic': new_topic(),
        'kafkastore.security.protocol': 'SASL_PLAINTEXT',
        'kafkastore.sasl.mechanism': 'SCRAM-SHA-512',
        'kafkastore.sasl.jaas.config':
            'org.apache.kafka.common.security.scram.ScramLoginModule required '
            'username="user" password="not-the-password";',
        'kafkastore.init.timeout.ms': str(init_ms)})
    t0 = time.monotonic()
    d.start(wait=False)
    try:
        rc = d.proc.wait(init_ms / 1000 + 10)
    finally:
        elapsed = time.monotonic() - t0
        d.stop()
    log = d.log_text(100000)
    print('wrong credentials: exit %d after %.1f s; log:\n%s' % (rc, elapsed, log))
    assert rc > 0  # an exit status, not a signal (a crash after the error)
    # Refused at the first authentication, not at the init timeout.
    assert elapsed < init_ms / 1000
    errors = [l for l in log.splitlines() if 'error' in l.lower() or 'fail' in l.lower()]
    assert len(errors) >= 1
    named = [l for l in log.splitlines() if "refused user 'user'" in l]
    assert len(named) == 1, log
    assert 'uthentication' in named[0]
    # No retry loop: a start-up log of a few lines, not one per attempt.
    assert len(log.splitlines()) < 15, log
    assert 'not-the-password' not in log
    # The librdkafka in use is named, and is new enough for Kafka 4.x.
    assert len([l for l in log.splitlines() if 'kafka: librdkafka ' in l]) == 1, log
    assert 'older than 2.6.1' not in log and '4895' not in log


def test_ssl_listener_with_pkcs12_stores(kafka_secure, tmp_path):
    """Strimzi's form: a PKCS#12 trust store (read by schemad, handed to
    librdkafka as PEM) and a PKCS#12 client keystore (read by librdkafka)."""
    from kafka_broker import P12_PASSWORD, make_tls_files
    make_tls_files(str(tmp_path / 'client'))
    client = str(tmp_path / 'client' / 'keystore.p12')
    truststore = os.path.join(os.path.dirname(kafka_secure.ca_file), 'truststore.p12')
    d = Schemad(tmp_path / 's', {
        'journal': 'kafka',
        'kafkastore.bootstrap.servers': 'SSL://' + kafka_secure.ssl_bootstrap,
        'kafkastore.topic': new_topic(),
        'kafkastore.security.protocol': 'SSL',
        'kafkastore.ssl.truststore.location': truststore,
        'kafkastore.ssl.truststore.type': 'PKCS12',
        'kafkastore.ssl.truststore.password': P12_PASSWORD,
        'kafkastore.ssl.keystore.location': client,
        'kafkastore.ssl.keystore.type': 'PKCS12',
        'kafkastore.ssl.keystore.password': P12_PASSWORD,
        'kafkastore.ssl.key.password': P12_PASSWORD,
        'kafkastore.init.timeout.ms': '30000',
        'kafkastore.timeout.ms': '5000'})
    d.start()
    try:
        s1 = avro_record('User', [('id', 'int')], namespace='ssup2.com')
        assert d.register('user', s1) == (200, {'id': 1})
        assert d.stop() == 0
        d.start()
        assert d.get('/subjects/user/versions') == (200, [1])
    finally:
        d.stop()
    # A trust store that does not hold the broker's CA: the handshake fails.
    other = str(tmp_path / 'client' / 'truststore.p12')
    d.settings['kafkastore.ssl.truststore.location'] = other
    d.settings['kafkastore.init.timeout.ms'] = '5000'
    d.start(wait=False)
    try:
        rc = d.proc.wait(30)
    finally:
        d.stop()
    assert rc > 0, d.log_text(100000)


def test_scram_on_kafka_39_smoke(kafka_39, tmp_path):
    d = Schemad(tmp_path / 's', {
        'journal': 'kafka',
        'kafkastore.bootstrap.servers': kafka_39.sasl_bootstrap,
        'kafkastore.topic': new_topic(),
        'kafkastore.security.protocol': 'SASL_PLAINTEXT',
        'kafkastore.sasl.mechanism': 'SCRAM-SHA-512',
        'kafkastore.sasl.username': 'user',
        'kafkastore.sasl.password': 'user',
        'kafkastore.init.timeout.ms': '30000',
        'kafkastore.timeout.ms': '5000'})
    d.start()
    try:
        s1 = avro_record('User', [('id', 'int')], namespace='ssup2.com')
        assert d.register('user', s1) == (200, {'id': 1})
        assert d.stop() == 0
        d.start()
        assert d.get('/subjects/user/versions') == (200, [1])
        assert d.register('user', s1) == (200, {'id': 1})
    finally:
        d.stop()


def test_ssl_listener_with_pem_truststore(kafka_secure, tmp_path):
    topic = new_topic()
    settings = {
        'journal': 'kafka',
        'kafkastore.bootstrap.servers': 'SSL://' + kafka_secure.ssl_bootstrap,
        'kafkastore.topic': topic,
        'kafkastore.security.protocol': 'SSL',
        'kafkastore.ssl.truststore.location': kafka_secure.ca_file,
        'kafkastore.ssl.truststore.type': 'PEM',
        'kafkastore.init.timeout.ms': '30000',
        'kafkastore.timeout.ms': '5000'}
    d = Schemad(tmp_path / 's', settings)
    d.start()
    try:
        s1 = avro_record('User', [('id', 'int')], namespace='ssup2.com')
        s2 = avro_record('Order', [('id', 'long')])
        assert d.register('user', s1) == (200, {'id': 1})
        assert d.register('order', s2) == (200, {'id': 2})
        assert d.request('PUT', '/config/user', {'compatibility': 'FULL'})[0] == 200
        before = [d.get(p) for p in ('/subjects', '/schemas/ids/1', '/schemas/ids/2',
                                     '/config/user')]
        assert d.stop() == 0
        # A restart replays the topic over SSL.
        d.start()
        assert [d.get(p) for p in ('/subjects', '/schemas/ids/1', '/schemas/ids/2',
                                   '/config/user')] == before
        assert d.register('user', s1) == (200, {'id': 1})
    finally:
        d.stop()
    # The records are on the broker (read back over PLAINTEXT).
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({'bootstrap.servers': kafka_secure.bootstrap, 'group.id': 'r-' + topic})
    try:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    finally:
        c.close()
    assert hi - lo >= 3


def test_ssl_without_the_ca_is_refused(kafka_secure, tmp_path):
    """An untrusted broker certificate is a clear start-up error, not a hang."""
    d = Schemad(tmp_path / 's', {
        'journal': 'kafka',
        'kafkastore.bootstrap.servers': kafka_secure.ssl_bootstrap,
        'kafkastore.topic': new_topic(),
        'kafkastore.security.protocol': 'SSL',
        'kafkastore.init.timeout.ms': '20000'})
    t0 = time.monotonic()
    d.start(wait=False)
    try:
        rc = d.proc.wait(30)
    finally:
        elapsed = time.monotonic() - t0
        d.stop()
    log = d.log_text(100000)
    print('untrusted certificate: exit %d after %.1f s; log:\n%s' % (rc, elapsed, log))
    assert rc > 0  # an exit status, not a signal (a crash after the error)
    assert elapsed < 20
    assert 'refused the connection' in log or 'certificate' in log
    assert len(log.splitlines()) < 15, log
