"""schemad through Kafka outages (a broker of its own, stopped and
restarted): reads go on from the table, writes fail within a bound of
kafkastore.timeout.ms with Confluent's error and leave nothing half-applied,
and writes work again when the broker is back, without a restart; a broker
restart in a burst of registrations loses and duplicates nothing."""

import itertools
import json
import os
import signal
import threading
import time

from schemad_proc import Schemad, avro_record

_topics = itertools.count()
TIMEOUT_MS = 2000


def new_topic():
    return '_schemas_outage_%d_%d' % (os.getpid(), next(_topics))


def on_kafka(kafka, workdir, **settings):
    s = {'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
         'kafkastore.topic': new_topic(), 'kafkastore.init.timeout.ms': '60000',
         'kafkastore.timeout.ms': str(TIMEOUT_MS)}
    s.update(settings)
    return Schemad(workdir, s)


def timed(fn, *args, **kw):
    t0 = time.monotonic()
    r = fn(*args, **kw)
    return r, time.monotonic() - t0


def schema(i):
    """A distinct record schema, in its canonical (stored) text."""
    return json.dumps(json.loads(avro_record('R%d' % i, [('f%d' % i, 'int')])),
                      separators=(',', ':'))


def all_ids(d):
    """{id: schema text} for every id from 1 up to the highest (404s skipped)."""
    st, body = d.get('/schemas/ids/1?fetchMaxId=true')
    top = body.get('maxId', 1) if st == 200 else 0
    out = {}
    for i in range(1, top + 1):
        st, body = d.get('/schemas/ids/%d' % i)
        if st == 200:
            out[i] = body['schema']
    return out


def state(d):
    """Everything a client can see: subjects, their versions and ids."""
    st, subjects = d.get('/subjects')
    assert st == 200
    out = {}
    for s in subjects:
        st, versions = d.get('/subjects/%s/versions' % s)
        assert st == 200
        out[s] = [(v, d.get('/subjects/%s/versions/%d' % (s, v))[1]['id']) for v in versions]
    return out


def test_reads_go_on_writes_fail_fast_and_recover(kafka_private, tmp_path):
    kb = kafka_private
    d = on_kafka(kb, tmp_path / 's')
    d.start()
    try:
        assert d.register('a', schema(1)) == (200, {'id': 1})
        assert d.register('b', schema(2)) == (200, {'id': 2})
        assert d.request('PUT', '/config/a', {'compatibility': 'NONE'})[0] == 200
        reads = ['/schemas/ids/1', '/subjects', '/subjects/a/versions/latest',
                 '/subjects/b/versions', '/config/a', '/config', '/mode',
                 '/subjects/a/versions?deleted=true', '/schemas/ids/2/versions']
        before = [d.get(p) for p in reads]
        t0 = time.monotonic()
        kb.stop()
        print('broker stopped in %.1f s' % (time.monotonic() - t0))

        # Reads: from the table (or the master's store), at once.
        for p, want in zip(reads, before):
            r, dt = timed(d.get, p)
            assert r == want, p
            assert dt < 0.5, (p, dt)
        # A re-registration of a known schema is a read too.
        r, dt = timed(d.register, 'a', schema(1))
        assert r == (200, {'id': 1}) and dt < 0.5

        # Writes: Confluent's 50002 (or 50001) within a bound of the timeout.
        failed = []
        for i, (subject, body) in enumerate([('a', schema(10)), ('c', schema(11)),
                                             ('a', schema(12))]):
            (st, err), dt = timed(d.register, subject, body)
            print('write %d during the outage: %d %s in %.2f s' % (i, st, err, dt))
            assert st == 500 and err['error_code'] in (50001, 50002), err
            assert isinstance(err['message'], str) and err['message']
            assert dt < 2 * TIMEOUT_MS / 1000 + 1.5, dt
            failed.append((subject, body))
        (st, err), dt = timed(d.request, 'PUT', '/config/b', {'compatibility': 'FULL'})
        assert st == 500 and err['error_code'] in (50001, 50002), err
        assert dt < 2 * TIMEOUT_MS / 1000 + 1.5, dt
        # Nothing half-applied meanwhile.
        for p, want in zip(reads, before):
            assert d.get(p) == want, p
        assert d.get('/subjects/c/versions')[0] == 404

        # The broker returns: writes succeed again, schemad not restarted.
        t0 = time.monotonic()
        kb.start()
        t1 = time.monotonic()
        deadline = time.monotonic() + 60
        while True:
            st, body = d.register('d', schema(20))
            if st == 200:
                break
            assert st == 500 and body['error_code'] in (50001, 50002), body
            assert time.monotonic() < deadline, d.log_text()
            time.sleep(0.2)
        print('broker up in %.1f s; first write through %.1f s later'
              % (t1 - t0, time.monotonic() - t1))
        new_id = body['id']
        assert d.get('/schemas/ids/%d' % new_id)[1]['schema'] == schema(20)
        assert d.register('e', schema(21))[0] == 200

        def check(where):
            st_ = state(d)
            ids = all_ids(d)
            # No schema text has two ids.
            assert len(set(ids.values())) == len(ids), (where, ids)
            # A failed write is absent or present exactly once.
            for subject, body in failed:
                hits = [v for v, i in st_.get(subject, []) if ids.get(i) == body]
                assert len(hits) <= 1, (where, subject, st_)
            assert st_['a'][0] == (1, 1) and st_['b'] == [(1, 2)]
            return st_, ids

        live = check('live')
        assert d.stop() == 0
        d.start()
        assert check('after restart') == live
        print('after the outage: %s' % json.dumps(live[0]))
        # Retrying the failed writes now: each answers one id, and again the same.
        for subject, body in failed:
            st, r1 = d.register(subject, body)
            assert st == 200
            assert d.register(subject, body) == (200, r1)
        check('after retries')
    finally:
        d.stop()
        kb.start()


def test_broker_restart_in_a_burst_loses_and_duplicates_nothing(kafka_private, tmp_path):
    kb = kafka_private
    d = on_kafka(kb, tmp_path / 's')
    d.start()
    n_threads, per_thread = 8, 25
    acked = {}          # schema text -> (subject, id)
    errors = []
    lock = threading.Lock()
    done = [0]

    def client(t):
        subject = 'burst-%d' % t
        try:
            st, body = d.request('PUT', '/config/%s' % subject, {'compatibility': 'NONE'})
            assert st == 200, body
            for k in range(per_thread):
                text = schema(1000 + t * per_thread + k)
                deadline = time.monotonic() + 120
                while True:
                    # A client retries a 5xx, as confluent-kafka's does.
                    try:
                        st, body = d.request('POST', '/subjects/%s/versions' % subject,
                                             {'schema': text}, timeout=30)
                    except OSError as e:
                        st, body = -1, str(e)
                    if st == 200:
                        break
                    assert st in (500, 503, -1), (st, body)
                    assert time.monotonic() < deadline, (st, body)
                    time.sleep(0.1)
                with lock:
                    acked[text] = (subject, body['id'])
                    done[0] += 1
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=client, args=(t,)) for t in range(n_threads)]
    t0 = time.monotonic()
    try:
        for th in threads:
            th.start()
        while done[0] < 50 and time.monotonic() - t0 < 60 and not errors:
            time.sleep(0.02)
        at = done[0]
        kb.restart()
        print('broker restarted after %d of %d registrations, %.1f s in'
              % (at, n_threads * per_thread, time.monotonic() - t0))
        for th in threads:
            th.join(180)
        print('burst done in %.1f s' % (time.monotonic() - t0))
        assert not errors, errors
        assert len(acked) == n_threads * per_thread

        def check(where):
            ids = all_ids(d)
            texts = list(ids.values())
            assert len(set(texts)) == len(texts), (where, 'a schema has two ids')
            for text, (subject, i) in acked.items():
                assert ids.get(i) == text, (where, i)
            st_ = state(d)
            for t in range(n_threads):
                subject = 'burst-%d' % t
                versions = st_[subject]
                # Versions 1..n, each a distinct acknowledged schema.
                assert [v for v, _ in versions] == list(range(1, len(versions) + 1))
                sids = [i for _, i in versions]
                assert len(set(sids)) == len(sids), (where, subject, versions)
                mine = sorted(i for s, i in acked.values() if s == subject)
                assert sorted(sids) == mine, (where, subject, versions, mine)
            return st_, ids

        live = check('live')
        assert d.stop() == 0
        d.start()
        assert check('after restart') == live
    finally:
        d.stop()
        kb.start()


def test_a_timed_out_write_that_lands_late(kafka_private, tmp_path):
    """A stalled broker (SIGSTOP) times a write out (50002) but takes it when
    it resumes, before librdkafka gives up on it: the late record and the
    next writes neither collide nor duplicate, live and after a restart."""
    kb = kafka_private
    d = on_kafka(kb, tmp_path / 's')
    d.start()
    try:
        assert d.register('a', schema(1)) == (200, {'id': 1})
        assert d.request('PUT', '/config/late', {'compatibility': 'NONE'})[0] == 200
        results = {}

        def write(name, subject, text):
            results[name] = timed(d.register, subject, text)

        kb.proc.send_signal(signal.SIGSTOP)
        try:
            threads = [threading.Thread(target=write, args=('x', 'late', schema(2))),
                       threading.Thread(target=write, args=('y', 'late', schema(3)))]
            for th in threads:
                th.start()
                time.sleep(0.1)
            for th in threads:
                th.join(30)
        finally:
            time.sleep(max(0.0, 3.0 - TIMEOUT_MS / 1000))
            kb.proc.send_signal(signal.SIGCONT)
        for name, ((st, body), dt) in sorted(results.items()):
            print('write %s while the broker is stalled: %d %s in %.2f s' % (name, st, body, dt))
            assert st == 500 and body['error_code'] in (50001, 50002), body
            assert dt < 2 * TIMEOUT_MS / 1000 + 1.5
        # The broker is back: the next writes go through after the fence.
        deadline = time.monotonic() + 30
        while True:
            (st, body), dt = timed(d.register, 'late', schema(4))
            if st == 200:
                break
            assert st == 500 and time.monotonic() < deadline, (st, body)
            time.sleep(0.1)
        print('next write: %.2f s; state: %s' % (dt, json.dumps(state(d))))

        def check(where, last=schema(4)):
            st_ = state(d)
            ids = all_ids(d)
            assert len(set(ids.values())) == len(ids), (where, ids)
            versions = st_['late']
            assert [v for v, _ in versions] == list(range(1, len(versions) + 1)), where
            texts = [ids[i] for _, i in versions]
            assert len(set(texts)) == len(texts), (where, versions, ids)
            assert last is None or texts[-1] == last
            return st_, ids

        live = check('live')
        assert d.stop() == 0
        d.start()
        assert check('after restart') == live
        # Retried, the failed writes answer one id each, and the same again.
        for k in (2, 3):
            st, r1 = d.register('late', schema(k))
            assert st == 200 and d.register('late', schema(k)) == (200, r1)
        print('after retries: %s' % json.dumps(check('after retries', None)[0]))
    finally:
        d.stop()
        if kb.proc is not None:
            kb.proc.send_signal(signal.SIGCONT)
