"""Several schemad nodes with default settings on one Kafka topic: one
leader, elected in a consumer group; the others forward writes to it (and
answer 50003 when it cannot be reached, 50004 when no leader is known).  A
leader claims the topic in the log before its first write; records a
deposed leader lands after a later claim are fenced alike on every node.
In the topic, no id is bound to two schemas among the records that
stand."""

import itertools
import json
import os
import random
import signal
import threading
import time

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from schemad_proc import Schemad

_topics = itertools.count()


def new_topic():
    return '_schemas_cluster_%d_%d' % (os.getpid(), next(_topics))


def node(kafka, workdir, topic, **settings):
    s = {'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
         'kafkastore.topic': topic, 'kafkastore.init.timeout.ms': '30000',
         'kafkastore.timeout.ms': '5000', 'workers': '1',
         'kafkagroup.session.timeout.ms': '6000', 'kafkagroup.heartbeat.interval.ms': '1000',
         'host.name': '127.0.0.1', 'leader.connect.timeout.ms': '2000',
         'leader.read.timeout.ms': '4000'}
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


def refused(reply, code=50004):
    st, body = reply
    return st == 500 and isinstance(body, dict) and body.get('error_code') == code


def answers(d, path):
    """The status of GET path, or None while the node does not listen."""
    try:
        return d.get(path)[0]
    except OSError:
        return None


# The mark of a write relayed by another node: a node that does not lead
# answers it 50003 (or 50004) instead of relaying it again.
RELAYED = {'X-Schemad-Forwarded': '1'}


def leader_of(nodes, tag, timeout=30):
    """The node that takes a new registration itself (subject `tag`, sent
    as if relayed, so that a follower does not forward it), after waiting
    for one to."""
    deadline = time.monotonic() + timeout
    k = 0
    while time.monotonic() < deadline:
        for d in nodes:
            k += 1
            try:
                st, body = d.register('%s-%d' % (tag, k), schema(10 ** 6 + k), headers=RELAYED)
            except OSError:
                continue
            if st == 200:
                return d
            assert st == 500 and body['error_code'] in (50001, 50002, 50003, 50004), (st, body)
        time.sleep(0.2)
    raise AssertionError('no leader after %ss' % timeout)


def test_one_leader_among_default_nodes(kafka, tmp_path):
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    try:
        # The first node up was elected and kept the lead as others joined.
        assert nodes[0].register('s1', schema(1)) == (200, {'id': 1})
        for k, d in enumerate(nodes[1:]):
            assert wait_for(lambda: d.get('/schemas/ids/1')[0] == 200)
            # A follower relays a write to the leader, and reads it at once.
            assert d.register('f%d' % k, schema(2 + k)) == (200, {'id': 2 + k})
            assert d.get('/subjects/f%d/versions/1' % k)[1]['id'] == 2 + k
            # Relayed once, never twice: a follower answers a relayed write 50003.
            st, body = d.register('s2', schema(9), headers=RELAYED)
            assert (st, body) == (500, {'error_code': 50003, 'message':
                                        'Error while forwarding register schema request to '
                                        'the leader'}), (st, body)
            # A re-registration of a known schema is a read: still answered.
            assert d.register('s1', schema(1)) == (200, {'id': 1})
        # A leader that stops leaves the group: another takes over at once.
        nodes[0].stop()
        t0 = time.monotonic()
        new = leader_of(nodes[1:], 'after-stop')
        print('handover after a clean stop: %.2f s' % (time.monotonic() - t0))
        assert new.register('s2', schema(20))[0] == 200
        nodes[0].start()
        assert refused(nodes[0].register('s3', schema(30), headers=RELAYED), 50003)
        assert nodes[0].register('s3', schema(30))[0] == 200
        settled = [d.get('/subjects') for d in nodes]
        assert wait_for(lambda: all(d.get('/subjects') == new.get('/subjects')
                                    for d in nodes)), settled
    finally:
        for d in nodes:
            d.stop()
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

    errors = []

    def client(seed):
        try:
            clients(seed)
        except Exception as e:  # a thread's failure fails the test below
            errors.append(repr(e))

    def clients(seed):
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
                assert st == 500 and body['error_code'] in (50001, 50002, 50003, 50004), \
                    (st, body)

    try:
        threads = [threading.Thread(target=client, args=(s,)) for s in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        print('%d registrations acknowledged' % len(acked))
        assert not errors, errors
        assert acked
        writers = [d for k, d in enumerate(nodes)
                   if d.register('probe%d' % k, schema(10 ** 6 + k), headers=RELAYED)[0] == 200]
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


def test_a_stopped_leader_comes_back_fenced(kafka, tmp_path):
    """The zombie: the leader stopped (SIGSTOP) past the session timeout
    while another node is elected and writes; resumed with a write queued,
    it writes nothing that stands, answers no write as done, and follows."""
    topic = new_topic()
    a = node(kafka, tmp_path / 'a', topic)
    a.start()
    b = node(kafka, tmp_path / 'b', topic)
    try:
        for i in range(1, 4):
            assert a.register('z%d' % i, schema(i)) == (200, {'id': i})
        b.start()
        assert b.register('b0', schema(199)) == (200, {'id': 4})   # relayed to a
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
            t0 = time.monotonic()
            # Relayed to the stopped leader, b's writes fail (50003 after
            # leader.read.timeout.ms) until b is elected.
            assert wait_for(lambda: b.register('b1', schema(200))[0] == 200, 30)
            print('failover from a stopped leader: %.2f s' % (time.monotonic() - t0))
            assert b.get('/subjects/b1/versions/1')[1]['id'] == 5
        finally:
            a.proc.send_signal(signal.SIGCONT)
        t.join(30)
        st, body = results['a']
        assert st != 200, body
        assert wait_for(lambda: a.get('/subjects/b1/versions/1')[0] == 200)
        assert wait_for(lambda: refused(a.register('zz', schema(300), headers=RELAYED), 50003))
        assert a.register('zz', schema(300))[0] == 200      # relayed to b
        assert b.register('b2', schema(201))[0] == 200
        for d in (a, b):
            assert d.get('/subjects/zombie/versions')[0] == 404
            assert d.get('/schemas/ids/5')[1]['schema'] == schema(200)
    finally:
        a.stop()
        b.stop()
    check_topic(kafka, topic)


def test_leader_killed_in_a_loop(kafka, tmp_path):
    """kill -9 of the leader, three times, with registrations going on:
    another node is elected after the session timeout, and the killed one
    comes back on the same URL as a follower.  Every acknowledged
    registration is readable alike on every node afterwards."""
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    acked = []
    try:
        leader = leader_of(nodes, 'first')
        for rnd in range(3):
            for i in range(20):
                k = rnd * 100 + i
                st, body = leader.register('k%d' % k, schema(k))
                assert st == 200, body
                acked.append(('k%d' % k, body['id'], schema(k)))
            leader.stop(signal.SIGKILL)
            t0 = time.monotonic()
            rest = [d for d in nodes if d is not leader]
            new = leader_of(rest, 'after-kill-%d' % rnd, timeout=40)
            print('round %d: first write acknowledged %.2f s after the leader died'
                  % (rnd, time.monotonic() - t0))
            leader.start()      # same port, same URL
            leader = new
        for d in nodes:
            for subject, sid, text in acked:
                assert wait_for(lambda: d.get('/subjects/%s/versions/1' % subject)[0] == 200)
                body = d.get('/subjects/%s/versions/1' % subject)[1]
                assert (body['id'], body['schema']) == (sid, text), (d.port, subject, body)
        assert wait_for(lambda: all(d.get('/schemas') == nodes[0].get('/schemas')
                                    for d in nodes))
    finally:
        for d in nodes:
            d.stop()
    check_topic(kafka, topic)


def test_an_ineligible_node_never_writes(kafka, tmp_path):
    topic = new_topic()
    a = node(kafka, tmp_path / 'a', topic)
    b = node(kafka, tmp_path / 'b', topic, **{'leader.eligibility': 'false'})
    a.start()
    b.start()
    try:
        assert a.register('s', schema(1)) == (200, {'id': 1})
        # b relays its writes to a.
        assert b.register('t', schema(2)) == (200, {'id': 2})
        assert b.request('PUT', '/config/s', {'compatibility': 'NONE'}) == \
            (200, {'compatibility': 'NONE'})
        assert b.get('/config/s')[1]['compatibilityLevel'] == 'NONE'
        # The leader stops: b stays a reader, relaying to where a was.
        a.stop()
        assert b.request('PUT', '/config', {'compatibility': 'NONE'}) == \
            (500, {'error_code': 50003,
                   'message': 'Error while forwarding update config request to the leader'})
        assert b.request('PUT', '/mode/s', {'mode': 'READONLY'}) == \
            (500, {'error_code': 50003,
                   'message': 'Error while forwarding update mode request to the leader'})
        a.start()
        assert a.register('u', schema(3)) == (200, {'id': 3})
        assert b.register('v', schema(4)) == (200, {'id': 4})
    finally:
        a.stop()
        b.stop()
    check_topic(kafka, topic)


def test_throughput_through_the_leader(kafka, tmp_path):
    """A figure, not a bound: registrations/s sent by 8 clients to the
    leader of three nodes."""
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    try:
        leader = leader_of(nodes, 'warm')
        counter = itertools.count(1)
        done = []
        stop_at = time.monotonic() + 3

        def client():
            n = 0
            while time.monotonic() < stop_at:
                i = next(counter)
                if leader.register('t%d' % i, schema(i))[0] != 200:
                    done.append(-10 ** 9)   # fails the check below
                    return
                n += 1
            done.append(n)
        t0 = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(done) == 8 and min(done) >= 0, done
        print('%.0f registrations/s through the leader (8 clients, 3 nodes)'
              % (sum(done) / (time.monotonic() - t0)))
    finally:
        for d in nodes:
            d.stop()


def test_broker_restart_during_a_failover(kafka_private, tmp_path):
    """kill -9 of the leader, then the broker restarted before anyone is
    elected: a new leader comes out of it, and every acknowledged
    registration is readable alike on every node."""
    kb = kafka_private
    topic = new_topic()
    nodes = [node(kb, tmp_path / n, topic) for n in 'abc']
    acked = []
    try:
        for d in nodes:
            d.start()
        leader = leader_of(nodes, 'first')
        for k in range(10):
            st, body = leader.register('r%d' % k, schema(k))
            assert st == 200, body
            acked.append(('r%d' % k, body['id'], schema(k)))
        leader.stop(signal.SIGKILL)
        t0 = time.monotonic()
        kb.restart()
        rest = [d for d in nodes if d is not leader]
        new = leader_of(rest, 'after-restart', timeout=90)
        print('first write acknowledged %.2f s after the leader died (broker restarted)'
              % (time.monotonic() - t0))
        for k in range(10, 20):
            st, body = new.register('r%d' % k, schema(k))
            assert st == 200, body
            acked.append(('r%d' % k, body['id'], schema(k)))
        leader.start()
        for d in nodes:
            for subject, sid, text in acked:
                assert wait_for(lambda: d.get('/subjects/%s/versions/1' % subject)[0] == 200)
                body = d.get('/subjects/%s/versions/1' % subject)[1]
                assert (body['id'], body['schema']) == (sid, text), (d.port, subject, body)
        assert wait_for(lambda: all(d.get('/schemas') == nodes[0].get('/schemas')
                                    for d in nodes))
    finally:
        for d in nodes:
            d.stop()
        kb.start()
    check_topic(kb, topic)


def test_a_group_held_by_another_protocol(kafka, tmp_path):
    """While the group is held by members schemad cannot join (Confluent's
    `sr` protocol; here a consumer with another assignor, which the
    coordinator refuses alike), schemad never leads and refuses writes;
    once they leave, it is elected and writes."""
    topic = new_topic()
    group = 'other-registry-%s' % topic
    other = Consumer({'bootstrap.servers': kafka.bootstrap, 'group.id': group,
                      'partition.assignment.strategy': 'roundrobin',
                      'session.timeout.ms': 6000})
    a = node(kafka, tmp_path / 'a', topic, **{'schema.registry.group.id': group})
    try:
        admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
        admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})])[
            topic].result(30)
        other.subscribe([topic])
        deadline = time.monotonic() + 30
        while not other.assignment() and time.monotonic() < deadline:
            other.poll(0.2)
        assert other.assignment()
        a.start(wait=False)
        assert wait_for(lambda: answers(a, '/subjects') == 200, 40)   # replayed
        for _ in range(5):
            other.poll(0.2)
            st, body = a.register('s', schema(1))
            assert (st, body) == (500, {'error_code': 50004, 'message': 'Leader not known.'})
            # Not ready: it knows no leader to send writes to.
            assert a.get('/health/ready')[0] == 503
        other.close()
        t0 = time.monotonic()
        assert wait_for(lambda: a.register('s', schema(1)) == (200, {'id': 1}), 60)
        print('elected %.2f s after the other members left' % (time.monotonic() - t0))
        assert a.get('/health/ready')[0] == 200
    finally:
        a.stop()
