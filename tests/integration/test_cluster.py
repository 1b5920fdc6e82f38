"""Several schemad nodes with default settings on one Kafka topic: one
writer at a time.  A node claims the topic before its first write; a node
that sees another writer's claim or records since its start stops writing
for good and says why (50004 and its log); records a deposed writer lands
after a later claim are fenced alike on every node.  In the topic, no id is
bound to two schemas among the records that stand."""

import itertools
import json
import os
import random
import signal
import threading
import time

from confluent_kafka import Consumer, TopicPartition

from schemad_proc import Schemad

_topics = itertools.count()


def new_topic():
    return '_schemas_cluster_%d_%d' % (os.getpid(), next(_topics))


def node(kafka, workdir, topic, **settings):
    s = {'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
         'kafkastore.topic': topic, 'kafkastore.init.timeout.ms': '30000',
         'kafkastore.timeout.ms': '5000', 'workers': '1'}
    s.update(settings)
    return Schemad(workdir, s)


def schema(i):
    return json.dumps({'type': 'record', 'name': 'R%d' % i,
                       'fields': [{'name': 'f%d' % i, 'type': 'long'}]},
                      separators=(',', ':'))


def read_records(bootstrap, topic, isolation='read_uncommitted', timeout=20):
    """[(offset, key, value, headers dict)] of partition 0 up to the high
    watermark seen now."""
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'reader-%s' % topic,
                  'enable.auto.commit': False, 'isolation.level': isolation})
    try:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        c.assign([TopicPartition(topic, 0, lo)])
        out = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                out.append((m.offset(), m.key(), m.value(), dict(m.headers() or [])))
                if m.offset() >= hi - 1:
                    break
            pos = c.position([TopicPartition(topic, 0)])[0].offset
            if pos >= hi:
                break
        return out
    finally:
        c.close()


def id_bindings(records):
    """{id: {schema texts}} over the SCHEMA records that stand (the rule every
    node applies), and the same over every SCHEMA record."""
    claimant = None
    standing, raw = {}, {}
    for _, k, v, h in records:
        w = h.get('schemad.writer')
        if w is not None and 'schemad.claim' in h:
            claimant = w
            continue
        if v is None or b'"SCHEMA"' not in k:
            continue
        val = json.loads(v)
        raw.setdefault(val['id'], set()).add(val['schema'])
        if w is None or w == claimant:
            standing.setdefault(val['id'], set()).add(val['schema'])
    return standing, raw


def check_topic(kafka, topic):
    records = read_records(kafka.bootstrap, topic)
    standing, raw = id_bindings(records)
    doubled = {i: s for i, s in standing.items() if len(s) > 1}
    assert not doubled, doubled
    raw_doubled = {i: s for i, s in raw.items() if len(s) > 1}
    print('%d records, %d ids standing, %d ids bound twice among fenced records'
          % (len(records), len(standing), len(raw_doubled)))
    return records


def wait_for(pred, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def refused(reply):
    st, body = reply
    return st == 500 and isinstance(body, dict) and body.get('error_code') == 50004


def test_second_default_node_stops_writing_and_says_why(kafka, tmp_path):
    topic = new_topic()
    a = node(kafka, tmp_path / 'a', topic)
    b = node(kafka, tmp_path / 'b', topic)
    a.start()
    b.start()
    try:
        assert a.register('s1', schema(1)) == (200, {'id': 1})
        assert wait_for(lambda: b.get('/schemas/ids/1')[0] == 200)
        st, body = b.register('s2', schema(2))
        assert refused((st, body)), (st, body)
        assert 'does not write' in body['message'] and ':%d ' % a.port in body['message']
        assert 'stops writing' in b.log_text()
        # A re-registration of a known schema is a read: still answered.
        assert b.register('s1', schema(1)) == (200, {'id': 1})
        # The writer goes on; the refusal holds until b restarts.
        assert a.register('s3', schema(3)) == (200, {'id': 2})
        assert refused(b.register('s2', schema(2)))
        # b restarted: a's records are history, b claims and writes; a sees
        # the claim and stops, naming b.
        b.stop()
        b.start()
        assert b.register('s2', schema(2)) == (200, {'id': 3})
        assert wait_for(lambda: refused(a.register('s4', schema(4))))
        st, body = a.register('s4', schema(4))
        assert 'claimed the topic' in body['message'] and ':%d ' % b.port in body['message']
        for d in (a, b):
            assert d.get('/subjects') == (200, ['s1', 's2', 's3'])
    finally:
        a.stop()
        b.stop()
    check_topic(kafka, topic)


def test_concurrent_writes_to_three_default_nodes(kafka, tmp_path):
    """Registrations sent to random nodes at once: whatever was acknowledged
    is readable alike on every node, and no id stands for two schemas."""
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    acked, lock = [], threading.Lock()
    counter = itertools.count(1)
    stop_at = time.monotonic() + 5

    def client(seed):
        rnd = random.Random(seed)
        while time.monotonic() < stop_at:
            i = next(counter)
            d = rnd.choice(nodes)
            try:
                st, body = d.register('c%d' % i, schema(i))
            except OSError:
                continue
            if st == 200:
                with lock:
                    acked.append(('c%d' % i, body['id'], schema(i)))
            else:
                assert st == 500 and body['error_code'] in (50001, 50002, 50004), (st, body)

    try:
        threads = [threading.Thread(target=client, args=(s,)) for s in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        print('%d registrations acknowledged' % len(acked))
        assert acked
        writers = [d for k, d in enumerate(nodes)
                   if not refused(d.register('probe%d' % k, schema(10 ** 6 + k)))]
        assert len(writers) <= 1, [d.port for d in writers]
        # Settled: every node answers every acknowledged write alike.
        for d in nodes:
            for subject, sid, text in acked:
                assert wait_for(lambda: d.get('/subjects/%s/versions/1' % subject)[0] == 200)
                st, body = d.get('/subjects/%s/versions/1' % subject)
                assert (body['id'], body['schema']) == (sid, text), (d.port, subject, body)
        answers = [d.get('/schemas') for d in nodes]
        assert all(a == answers[0] for a in answers)
    finally:
        for d in nodes:
            d.stop()
    check_topic(kafka, topic)


def test_a_stopped_writer_comes_back_fenced(kafka, tmp_path):
    """The zombie: a writer stopped (SIGSTOP) while another node takes the
    topic; resumed with a write queued, it writes nothing that stands and
    answers no write as done."""
    topic = new_topic()
    a = node(kafka, tmp_path / 'a', topic)
    a.start()
    b = node(kafka, tmp_path / 'b', topic)
    try:
        for i in range(1, 4):
            assert a.register('z%d' % i, schema(i))[0] == 200
        b.start()       # a's records are history to b
        a.proc.send_signal(signal.SIGSTOP)
        results = {}

        def late():
            try:
                results['a'] = a.register('zombie', schema(100))
            except OSError as e:
                results['a'] = (None, str(e))
        t = threading.Thread(target=late)
        try:
            t.start()
            time.sleep(0.3)
            assert b.register('b1', schema(200)) == (200, {'id': 4})
            assert b.register('b2', schema(201)) == (200, {'id': 5})
        finally:
            a.proc.send_signal(signal.SIGCONT)
        t.join(30)
        st, body = results['a']
        assert st != 200, body
        assert wait_for(lambda: a.get('/subjects/b2/versions/1')[0] == 200)
        assert refused(a.register('zz', schema(300)))
        assert 'claimed the topic' in a.log_text()
        for d in (a, b):
            assert d.get('/subjects/zombie/versions')[0] == 404
            assert d.get('/schemas/ids/4')[1]['schema'] == schema(200)
        assert b.register('b3', schema(202)) == (200, {'id': 6})
    finally:
        a.stop()
        b.stop()
    check_topic(kafka, topic)
