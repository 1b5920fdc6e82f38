"""Several schemad nodes with default settings on one Kafka topic: one
leader, elected in a consumer group; the others answer writes with 50004
naming it.  A leader claims the topic in the log before its first write;
records a deposed leader lands after a later claim are fenced alike on
every node.  In the topic, no id is bound to two schemas among the records
that stand."""

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
         'kafkagroup.session.timeout.ms': '6000', 'kafkagroup.heartbeat.interval.ms': '1000'}
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


def leader_of(nodes, tag, timeout=30):
    """The node that takes a new registration (subject `tag`), after
    waiting for one to; the others answer 50004."""
    deadline = time.monotonic() + timeout
    k = 0
    while time.monotonic() < deadline:
        for d in nodes:
            k += 1
            try:
                st, body = d.register('%s-%d' % (tag, k), schema(10 ** 6 + k))
            except OSError:
                continue
            if st == 200:
                return d
            assert st == 500 and body['error_code'] in (50001, 50002, 50004), (st, body)
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
        for d in nodes[1:]:
            assert wait_for(lambda: d.get('/schemas/ids/1')[0] == 200)
            st, body = d.register('s2', schema(2))
            assert refused((st, body)), (st, body)
            assert 'not the leader' in body['message'], body
            assert ':%d' % nodes[0].port in body['message'], body
            # A re-registration of a known schema is a read: still answered.
            assert d.register('s1', schema(1)) == (200, {'id': 1})
        # A leader that stops leaves the group: another takes over at once.
        nodes[0].stop()
        t0 = time.monotonic()
        new = leader_of(nodes[1:], 'after-stop')
        print('handover after a clean stop: %.2f s' % (time.monotonic() - t0))
        assert new.register('s2', schema(2))[0] == 200
        nodes[0].start()
        assert refused(nodes[0].register('s3', schema(3)))
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
                assert st == 500 and body['error_code'] in (50001, 50002, 50004), (st, body)

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
        assert refused(b.register('b0', schema(199)))
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
            assert wait_for(lambda: b.register('b1', schema(200))[0] == 200, 30)
            print('failover from a stopped leader: %.2f s' % (time.monotonic() - t0))
            assert b.get('/subjects/b1/versions/1')[1]['id'] == 4
        finally:
            a.proc.send_signal(signal.SIGCONT)
        t.join(30)
        st, body = results['a']
        assert st != 200, body
        assert wait_for(lambda: a.get('/subjects/b1/versions/1')[0] == 200)
        assert wait_for(lambda: refused(a.register('zz', schema(300))))
        assert b.register('b2', schema(201))[0] == 200
        for d in (a, b):
            assert d.get('/subjects/zombie/versions')[0] == 404
            assert d.get('/schemas/ids/4')[1]['schema'] == schema(200)
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
        assert b.register('t', schema(2)) == (500, {'error_code': 50004,
                                                   'message': 'Leader not known.'})
        st, body = b.request('PUT', '/config/s', {'compatibility': 'NONE'})
        assert refused((st, body)) and 'leader.eligibility' in body['message'], body
        # The leader stops: b stays a reader and a takes writes again on restart.
        a.stop()
        assert refused(b.request('PUT', '/config', {'compatibility': 'NONE'}))
        a.start()
        assert a.register('u', schema(3)) == (200, {'id': 2})
    finally:
        a.stop()
        b.stop()
    check_topic(kafka, topic)


def test_throughput_through_the_leader(kafka, tmp_path):
    """A figure, not a bound: registrations/s sent by 8 and by 32 clients to
    the leader of three nodes.  Each batch of writes is one transaction
    (docs/ARCHITECTURE.md): more clients, larger batches."""
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    try:
        leader = leader_of(nodes, 'warm')
        counter = itertools.count(1)
        for nclients in (8, 32):
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
            threads = [threading.Thread(target=client) for _ in range(nclients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert len(done) == nclients and min(done) >= 0, done
            print('%.0f registrations/s through the leader (%d clients, 3 nodes)'
                  % (sum(done) / (time.monotonic() - t0), nclients))
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
        a.start()
        for _ in range(5):
            other.poll(0.2)
            st, body = a.register('s', schema(1))
            assert refused((st, body)) and 'no leader is known' in body['message'], body
        other.close()
        t0 = time.monotonic()
        assert wait_for(lambda: a.register('s', schema(1)) == (200, {'id': 1}), 60)
        print('elected %.2f s after the other members left' % (time.monotonic() - t0))
    finally:
        a.stop()


def check_topic_raw(kafka, topic):
    """Every SCHEMA record in the topic, read uncommitted (what Confluent and
    Karapace read) and committed: no id bound to two different schemas,
    whichever record a reader takes."""
    for isolation in ('read_uncommitted', 'read_committed'):
        records = read_records(kafka.bootstrap, topic, isolation)
        _, raw = id_bindings(records)
        doubled = {i: s for i, s in raw.items() if len(s) > 1}
        print('%s: %d records, %d ids, %d bound to two schemas'
              % (isolation, len(records), len(raw), len(doubled)))
        assert not doubled, (isolation, doubled)


def test_a_zombie_leader_cannot_write(kafka, tmp_path):
    """Registrations go on while the leader is stopped (SIGSTOP) past the
    session timeout, another is elected and takes them, and the stopped one
    resumes (SIGCONT) with writes of its own still queued: its transactional
    producer was fenced at the broker by the new leader's init_transactions,
    so nothing it sends lands.  In the topic, read uncommitted and committed,
    no id is bound to two schemas; every acknowledged registration is
    readable alike on every node."""
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    acked, lock, errors = [], threading.Lock(), []
    counter = itertools.count(1)
    state = {'leader': None, 'stop': False}

    def clients(seed):
        rnd = random.Random(seed)
        target = state['leader']
        while not state['stop']:
            i = next(counter)
            try:
                st, body = target.request('POST', '/subjects/z%d/versions' % i,
                                          {'schema': schema(i)}, timeout=3)
            except OSError:     # the stopped leader's workers time out
                target = rnd.choice(nodes)
                continue
            if st == 200:
                with lock:
                    acked.append(('z%d' % i, body['id'], schema(i)))
                continue
            assert st == 500 and body['error_code'] in (50001, 50002, 50004), (st, body)
            target = rnd.choice(nodes)

    def client(seed):
        try:
            clients(seed)
        except Exception as e:  # fails the test below
            errors.append(repr(e))

    try:
        leader = state['leader'] = leader_of(nodes, 'first')
        threads = [threading.Thread(target=client, args=(s,)) for s in range(6)]
        for t in threads:
            t.start()
        time.sleep(2)
        before = len(acked)
        leader.proc.send_signal(signal.SIGSTOP)
        t0 = time.monotonic()
        try:
            rest = [d for d in nodes if d is not leader]
            new = leader_of(rest, 'after-stop', timeout=40)
            print('failover from a stopped leader: first write acknowledged %.2f s after '
                  'SIGSTOP' % (time.monotonic() - t0))
            n0 = len(acked)
            assert wait_for(lambda: len(acked) > n0 + 50, 20), \
                'writes did not continue on the new leader'
        finally:
            leader.proc.send_signal(signal.SIGCONT)
        time.sleep(3)
        state['stop'] = True
        for t in threads:
            t.join(30)
        assert not errors, errors
        print('%d registrations acknowledged (%d before the stop)' % (len(acked), before))
        assert wait_for(lambda: refused(leader.register('zz', schema(10 ** 7))), 20)
        assert not refused(new.register('zz', schema(10 ** 7)))
        ids = {}
        for subject, sid, text in acked:
            assert ids.setdefault(sid, text) == text, (sid, text, ids[sid])
        for d in nodes:
            for subject, sid, text in acked:
                assert wait_for(lambda: d.get('/subjects/%s/versions/1' % subject)[0] == 200)
                body = d.get('/subjects/%s/versions/1' % subject)[1]
                assert (body['id'], body['schema']) == (sid, text), (d.port, subject, body)
        assert wait_for(lambda: all(d.get('/schemas') == nodes[0].get('/schemas')
                                    for d in nodes))
    finally:
        state['stop'] = True
        for d in nodes:
            d.stop()
    check_topic_raw(kafka, topic)


def test_a_cluster_that_refuses_transactions(tmp_path):
    """An authorizer denies the registry's transactional.id: the node says
    so in the log and writes without transactions (the claims still fence
    for schemad readers)."""
    from confluent_kafka.admin import (AclBinding, AclOperation, AclPermissionType,
                                       ResourcePatternType, ResourceType)
    from kafka_broker import KafkaBroker
    kb = KafkaBroker(str(tmp_path / 'kafka-acl'), extra=[
        'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'allow.everyone.if.no.acl.found=true'])
    kb.start()
    topic = new_topic()
    a = node(kb, tmp_path / 'a', topic)
    try:
        admin = AdminClient({'bootstrap.servers': kb.bootstrap})
        deny = AclBinding(ResourceType.TRANSACTIONAL_ID, 'schemad-', ResourcePatternType.PREFIXED,
                          'User:ANONYMOUS', '*', AclOperation.ALL, AclPermissionType.DENY)
        for f in admin.create_acls([deny]).values():
            f.result(30)
        a.start()
        assert a.register('s', schema(1)) == (200, {'id': 1})
        assert a.register('t', schema(2)) == (200, {'id': 2})
        log = a.log_text(100000)
        assert 'refuses transactions' in log and 'TransactionalId schemad-' in log, log
        assert a.get('/subjects') == (200, ['s', 't'])
    finally:
        a.stop()
        kb.stop()
