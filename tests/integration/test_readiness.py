"""Until the journal is replayed every API request gets 503 with a
Confluent-style error while /health/live answers 200 and /health/ready 503:
schemad started with its broker down waits (kafkastore.init.timeout.ms) and
becomes ready when the broker comes up."""

import itertools
import os
import time

from schemad_proc import Schemad, avro_record

_topics = itertools.count()

API = [('GET', '/subjects', None), ('GET', '/schemas/ids/1', None),
       ('GET', '/subjects/user/versions/latest', None), ('GET', '/config', None),
       ('GET', '/mode', None), ('GET', '/schemas/types', None), ('GET', '/', None),
       ('POST', '/subjects/user/versions', {'schema': '"string"'}),
       ('POST', '/subjects/user', {'schema': '"string"'}),
       ('PUT', '/config/user', {'compatibility': 'NONE'}),
       ('DELETE', '/subjects/user', None)]


def check_not_ready(d):
    assert d.get('/health/live')[0] == 200
    assert d.get('/health/ready')[0] == 503
    for method, path, body in API:
        st, err = d.request(method, path, body)
        assert st == 503, (method, path, st, err)
        assert isinstance(err, dict) and err.get('error_code') == 50301, (method, path, err)
        assert isinstance(err.get('message'), str) and err['message'], err


def test_not_ready_until_the_journal_is_replayed(kafka_private, tmp_path):
    kb = kafka_private
    topic = '_schemas_ready_%d_%d' % (os.getpid(), next(_topics))
    d = Schemad(tmp_path / 's', {
        'journal': 'kafka', 'kafkastore.bootstrap.servers': kb.bootstrap,
        'kafkastore.topic': topic, 'kafkastore.init.timeout.ms': '120000',
        'kafkastore.timeout.ms': '5000'})
    try:
        # Something to replay.
        d.start()
        user = avro_record('User', [('id', 'int')])
        assert d.register('user', user) == (200, {'id': 1})
        assert d.stop() == 0

        kb.stop()
        d.start(wait=False)
        deadline = time.monotonic() + 30
        while True:
            try:
                if d.get('/health/live')[0] == 200:
                    break
            except OSError:
                pass
            assert d.proc.poll() is None, d.log_text()
            assert time.monotonic() < deadline, d.log_text()
            time.sleep(0.05)
        check_not_ready(d)
        time.sleep(3)           # still waiting for the broker, not exiting
        assert d.proc.poll() is None
        check_not_ready(d)

        t0 = time.monotonic()
        kb.start()
        t1 = time.monotonic()
        d.wait_ready(60)
        print('broker up in %.1f s; schemad ready %.1f s later'
              % (t1 - t0, time.monotonic() - t1))
        assert d.get('/health/ready')[0] == 200
        assert d.get('/health/live')[0] == 200
        assert d.get('/subjects') == (200, ['user'])
        assert d.get('/schemas/ids/1')[0] == 200
        assert d.register('other', '"string"') == (200, {'id': 2})
    finally:
        d.stop()
        kb.start()


def test_ready_at_once_when_the_broker_is_up(kafka_private, tmp_path):
    d = Schemad(tmp_path / 's', {
        'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka_private.bootstrap,
        'kafkastore.topic': '_schemas_ready_%d_%d' % (os.getpid(), next(_topics))})
    t0 = time.monotonic()
    d.start()
    try:
        print('ready in %.2f s' % (time.monotonic() - t0))
        assert d.get('/health/ready')[0] == 200
        assert d.get('/subjects') == (200, [])
    finally:
        d.stop()


def test_ready_only_once_a_leader_is_known(kafka_private, tmp_path):
    """A node that may not lead (leader.eligibility=false) alone on a new
    topic serves reads but is not ready: it knows no leader to send writes
    to (50004).  Once an eligible node is elected and claims the topic, it
    is ready and relays writes there."""
    topic = '_schemas_ready_%d_%d' % (os.getpid(), next(_topics))
    common = {'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka_private.bootstrap,
              'kafkastore.topic': topic, 'host.name': '127.0.0.1'}
    b = Schemad(tmp_path / 'b', dict(common, **{'leader.eligibility': 'false'}))
    a = Schemad(tmp_path / 'a', dict(common))
    b.start(wait=False)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if b.get('/subjects') == (200, []):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, b.log_text()
            time.sleep(0.05)
        st, body = b.get('/health/ready')
        assert st == 503 and body['error_code'] == 50301, body
        assert b.register('s', '"string"') == (500, {'error_code': 50004,
                                                      'message': 'Leader not known.'})
        a.start()
        b.wait_ready(30)
        assert b.register('s', '"string"') == (200, {'id': 1})
        assert b.get('/subjects/s/versions/1')[1]['id'] == 1
    finally:
        b.stop()
        a.stop()
