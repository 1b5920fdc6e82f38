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
        # The write a held when stopped: if a planned it before it saw b's
        # claim, it is fenced and not acknowledged; if after, a relays it to b
        # (acknowledged, and then it stands on both).
        st, body = results['a']
        assert wait_for(lambda: a.get('/subjects/b1/versions/1')[0] == 200)
        assert wait_for(lambda: refused(a.register('zz', schema(300), headers=RELAYED), 50003))
        assert a.register('zz', schema(300))[0] == 200      # relayed to b
        assert b.register('b2', schema(201))[0] == 200
        for d in (a, b):
            got = d.get('/subjects/zombie/versions/1')
            if st == 200:
                assert got[0] == 200 and got[1]['id'] == body['id'], (got, body)
            else:
                assert got[0] == 404, got
            assert d.get('/schemas/ids/5')[1]['schema'] == schema(200)
        print('the stopped leader\'s queued write: %s' % (st,))
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


def test_writes_through_any_node_read_at_once(kafka, tmp_path):
    """Registrations from 6 clients sent to random nodes of three: every one
    succeeds, each is readable at once through the node it went to, and
    every node gives the same id.  409 and 422 through a follower are the
    leader's answers.  Figures: registrations/s through the leader and
    through a follower."""
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    try:
        leader = leader_of(nodes, 'warm')
        followers = [d for d in nodes if d is not leader]
        acked, errors, lock = [], [], threading.Lock()
        counter = itertools.count(1)
        stop_at = time.monotonic() + 5

        def client(seed):
            rnd = random.Random(seed)
            try:
                while time.monotonic() < stop_at:
                    i = next(counter)
                    d = rnd.choice(nodes)
                    st, body = d.register('w%d' % i, schema(i))
                    assert st == 200, (d.port, st, body)
                    got = d.get('/subjects/w%d/versions/1' % i)
                    assert got[0] == 200 and got[1]['id'] == body['id'], (d.port, got, body)
                    with lock:
                        acked.append(('w%d' % i, body['id'], schema(i)))
            except Exception as e:  # a thread's failure fails the test below
                errors.append(repr(e))
        threads = [threading.Thread(target=client, args=(s,)) for s in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors[:3]
        print('%d registrations through random nodes, each read at once where written'
              % len(acked))
        ids = [sid for _, sid, _ in acked]
        assert len(set(ids)) == len(ids)
        for d in nodes:
            for subject, sid, text in acked:
                assert wait_for(lambda: d.get('/subjects/%s/versions/1' % subject)[0] == 200)
                body = d.get('/subjects/%s/versions/1' % subject)[1]
                assert (body['id'], body['schema']) == (sid, text), (d.port, subject, body)

        # Errors: a follower answers as the leader does.
        f = followers[0]
        assert f.request('PUT', '/config/e', {'compatibility': 'FULL'})[0] == 200
        assert f.register('e', schema(1))[0] == 200
        incompatible = json.dumps({'type': 'record', 'name': 'R1',
                                   'fields': [{'name': 'g', 'type': 'long'}]})
        for d in (f, leader):
            st, body = d.register('e', incompatible)
            assert st == 409 and body['error_code'] in (409, 40901), body
        assert f.register('e', incompatible) == leader.register('e', incompatible)
        assert f.register('e', '{"type":"nope"}') == leader.register('e', '{"type":"nope"}')
        assert f.register('e', '{"type":"nope"}')[0] == 422

        for name, d in (('the leader', leader), ('a follower', f)):
            print('%.0f registrations/s through %s (8 clients, 3 nodes)'
                  % (rate(d, name[0]), name))
    finally:
        for d in nodes:
            d.stop()
    check_topic(kafka, topic)


def rate(d, tag, clients=8, seconds=3):
    """Registrations/s sent by `clients` threads to node d."""
    counter = itertools.count(1)
    done = []
    stop_at = time.monotonic() + seconds

    def client():
        n = 0
        while time.monotonic() < stop_at:
            i = next(counter)
            if d.register('rate-%s-%d' % (tag, i), schema(2 * 10 ** 6 + i))[0] != 200:
                done.append(-10 ** 9)   # fails the check below
                return
            n += 1
        done.append(n)
    t0 = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(done) == clients and min(done) >= 0, done
    return sum(done) / (time.monotonic() - t0)


def test_failover_under_load_through_followers(kafka, tmp_path):
    """The leader killed (kill -9) while clients write through the two
    followers: they answer 50003 (the relay to the dead leader fails) or
    50004 for a while, then relay to the new leader.  Every acknowledged
    registration is readable alike on every node.  Figure: the time from the
    kill to the first write acknowledged through a follower."""
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    acked, errors, codes, lock = [], [], {}, threading.Lock()
    try:
        leader = leader_of(nodes, 'first')
        followers = [d for d in nodes if d is not leader]
        counter = itertools.count(1)
        killed_at = [None]
        first_after = [None]
        stop = threading.Event()

        def client(seed):
            rnd = random.Random(seed)
            try:
                while not stop.is_set():
                    i = next(counter)
                    d = rnd.choice(followers)
                    sent = time.monotonic()
                    try:
                        st, body = d.register('l%d' % i, schema(i))
                    except OSError:
                        continue
                    with lock:
                        if st == 200:
                            acked.append(('l%d' % i, body['id'], schema(i)))
                            # The first write sent after the kill (one in flight
                            # may have reached the leader before it died).
                            if killed_at[0] is not None and sent > killed_at[0] and \
                                    first_after[0] is None:
                                first_after[0] = time.monotonic()
                        else:
                            assert st == 500 and body['error_code'] in (50001, 50002, 50003,
                                                                        50004), (st, body)
                            codes[body['error_code']] = codes.get(body['error_code'], 0) + 1
            except Exception as e:  # a thread's failure fails the test below
                errors.append(repr(e))
        threads = [threading.Thread(target=client, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        time.sleep(2)
        before = len(acked)
        leader.stop(signal.SIGKILL)
        killed_at[0] = time.monotonic()
        assert wait_for(lambda: first_after[0] is not None, 40)
        time.sleep(2)
        stop.set()
        for t in threads:
            t.join(60)
        assert not errors, errors[:3]
        assert before > 0 and len(acked) > before
        print('failover through followers: first write acknowledged %.2f s after the leader '
              'died; %d writes acknowledged, refused meanwhile: %s'
              % (first_after[0] - killed_at[0], len(acked), codes))
        assert set(codes) <= {50003, 50004, 50001, 50002}
        leader.start()
        for d in nodes:
            for subject, sid, text in acked:
                assert wait_for(lambda: d.get('/subjects/%s/versions/1' % subject)[0] == 200)
                body = d.get('/subjects/%s/versions/1' % subject)[1]
                assert (body['id'], body['schema']) == (sid, text), (d.port, subject, body)
    finally:
        for d in nodes:
            d.stop()
    check_topic(kafka, topic)


class FakeLeader:
    """An HTTP server standing for the leader: it records what a follower
    relays and answers from a script of (status, body, headers, delay),
    or b'garbage' (bytes that are no HTTP answer)."""

    def __init__(self):
        import http.server
        fake = self
        self.seen, self.script = [], []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def relay(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n)
                fake.seen.append((self.command, self.path,
                                  {k.lower(): v for k, v in self.headers.items()}, body))
                step = fake.script.pop(0)
                if step == b'garbage':
                    self.wfile.write(b'garbage\r\n\r\n')
                    self.close_connection = True
                    return
                status, text, headers, delay = step
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header('Content-Type', 'application/vnd.schemaregistry.v1+json')
                    self.send_header('Content-Length', str(len(text)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(text)
                except OSError:         # the follower gave up waiting (a slow leader)
                    self.close_connection = True
            do_POST = do_PUT = do_DELETE = relay

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def claim_for(bootstrap, topic, url):
    """A claim in the log naming `url` as the leader, as a schemad leader
    writes it."""
    from confluent_kafka import Producer
    p = Producer({'bootstrap.servers': bootstrap})
    p.produce(topic, key=b'{"keytype":"NOOP","magic":0}', value=None,
              headers=[('schemad.writer', ('%s pid 1 0' % url).encode()),
                       ('schemad.claim', b'1')])
    p.flush(30)


def test_relay_to_the_leader_as_it_answers(kafka, tmp_path):
    """A follower (here leader.eligibility=false) relays a write to the
    leader the log names: method, path, body, Content-Type, Accept,
    Authorization and X-Request-ID arrive there, with the relay mark; the
    leader's status and body come back unchanged (409, 422 with its own
    text); a leader that answers garbage, too slowly or not at all gives
    50003; an answer naming an offset this node never reaches is given
    after the bounded wait (leader.read.timeout.ms)."""
    topic = new_topic()
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})])[
        topic].result(30)
    fake = FakeLeader()
    claim_for(kafka.bootstrap, topic, 'http://127.0.0.1:%d' % fake.port)
    b = node(kafka, tmp_path / 'b', topic, **{'leader.eligibility': 'false',
                                             'leader.read.timeout.ms': '1500'})
    b.start()
    try:
        hdrs = {'Authorization': 'Basic dXNlcjpwYXNz', 'X-Request-ID': 'req-42',
                'Accept': 'application/vnd.schemaregistry.v1+json'}
        fake.script.append((200, b'{"id":77}', {'X-Schemad-Offset': '0'}, 0))
        assert b.register('x', schema(1), headers=hdrs) == (200, {'id': 77})
        method, path, seen, body = fake.seen[-1]
        assert (method, path) == ('POST', '/subjects/x/versions')
        assert json.loads(body) == {'schema': schema(1)}
        for k, v in hdrs.items():
            assert seen[k.lower()] == v, (k, seen)
        assert seen['content-type'] == 'application/vnd.schemaregistry.v1+json'
        assert seen['x-schemad-forwarded'] == '1'
        print('headers at the leader: %s' % sorted(seen.items()))

        leader_409 = b'{"error_code":40901,"message":"the leader\'s own words"}'
        fake.script.append((409, leader_409, {}, 0))
        assert b.register('x', schema(2)) == (409, json.loads(leader_409))
        fake.script.append((422, b'{"error_code":42201,"message":"Invalid schema!"}', {}, 0))
        st, body = b.request('PUT', '/config/x', {'compatibility': 'NONE'})
        assert (st, body) == (422, {'error_code': 42201, 'message': 'Invalid schema!'})
        assert fake.seen[-1][:2] == ('PUT', '/config/x')

        # Relayed once, never twice: nothing reaches the leader.
        n = len(fake.seen)
        assert b.register('x', schema(3), headers=RELAYED) == (500, {
            'error_code': 50003,
            'message': 'Error while forwarding register schema request to the leader'})
        assert len(fake.seen) == n

        # An offset never reached here: answered after the bounded wait.
        fake.script.append((200, b'{"id":78}', {'X-Schemad-Offset': str(10 ** 12)}, 0))
        t0 = time.monotonic()
        assert b.register('x', schema(4)) == (200, {'id': 78})
        waited = time.monotonic() - t0
        assert 1.3 < waited < 5, waited

        failed = (500, {'error_code': 50003,
                        'message': 'Error while forwarding register schema request to the leader'})
        fake.script.append(b'garbage')
        assert b.register('x', schema(5)) == failed
        fake.script.append((200, b'{"id":79}', {}, 3))     # past leader.read.timeout.ms
        t0 = time.monotonic()
        assert b.register('x', schema(6)) == failed
        assert time.monotonic() - t0 < 3
        fake.stop()
        time.sleep(0.5)
        assert b.register('x', schema(7)) == failed
        assert b.get('/health/ready')[0] == 200    # it knows (where) its leader (was)
    finally:
        b.stop()


def test_a_reload_changes_the_relay_timeouts(kafka, tmp_path):
    """leader.read.timeout.ms and leader.connect.timeout.ms are read again
    on a reload (SIGHUP): the workers it spawns relay with the new ones."""
    topic = new_topic()
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})])[
        topic].result(30)
    fake = FakeLeader()
    claim_for(kafka.bootstrap, topic, 'http://127.0.0.1:%d' % fake.port)
    b = node(kafka, tmp_path / 'b', topic, **{'leader.eligibility': 'false',
                                             'leader.read.timeout.ms': '1000'})
    b.start()
    try:
        fake.script.append((200, b'{"id":5}', {}, 2))
        assert refused(b.register('x', schema(1)), 50003)
        b.settings['leader.read.timeout.ms'] = '6000'
        b.write_config()
        b.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: 'configuration reloaded' in b.log_text(), 30)
        time.sleep(1)       # the old workers drain
        fake.script.append((200, b'{"id":6}', {}, 2))
        assert b.register('x', schema(2)) == (200, {'id': 6})
    finally:
        b.stop()
        fake.stop()


def https_nodes(kafka, tmp_path, topic, trust, tls):
    """Two nodes with http and https listeners (the certificate in `tls`),
    inter.instance.protocol=https: `a` leads, `b` (ineligible) relays to a's
    https listener with `trust`."""
    from schemad_proc import free_port
    nodes = []
    for n, extra in (('a', {}), ('b', dict(trust, **{'leader.eligibility': 'false'}))):
        http_port, https_port = free_port(), free_port()
        extra.update({
            'listeners': 'http://127.0.0.1:%d,https://127.0.0.1:%d' % (http_port, https_port),
            'ssl.certificate.location': str(tls / 'server.pem'),
            'ssl.key.location': str(tls / 'server.key'),
            'inter.instance.protocol': 'https'})
        d = node(kafka, tmp_path / n, topic, **extra)
        d.port = http_port
        d.https_port = https_port
        nodes.append(d)
    return nodes


def test_relay_over_https(kafka, tmp_path):
    """inter.instance.protocol=https: the leader announces its https
    listener, and a follower relays writes to it over TLS, checking the
    leader's certificate against ssl.truststore.location (PEM or PKCS#12)
    and its name against the URL's host."""
    from kafka_broker import P12_PASSWORD, make_tls_files
    make_tls_files(str(tmp_path / 'tls'))
    stores = [
        {'ssl.truststore.location': str(tmp_path / 'tls' / 'ca.pem'),
         'ssl.truststore.type': 'PEM'},
        {'ssl.truststore.location': str(tmp_path / 'tls' / 'truststore.p12'),
         'ssl.truststore.type': 'PKCS12', 'ssl.truststore.password': P12_PASSWORD},
    ]
    for k, trust in enumerate(stores):
        topic = new_topic()
        a, b = https_nodes(kafka, tmp_path / str(k), topic, trust, tmp_path / 'tls')
        a.start()
        b.start()
        try:
            assert a.register('s', schema(1)) == (200, {'id': 1})
            assert b.register('t', schema(2)) == (200, {'id': 2})
            assert b.get('/subjects/t/versions/1')[1]['id'] == 2
            claims = [h['schemad.writer'].decode() for _, _, _, h in
                      read_records(kafka.bootstrap, topic) if 'schemad.claim' in h]
            assert claims and claims[-1].startswith('https://127.0.0.1:%d ' % a.https_port)
        finally:
            a.stop()
            b.stop()


def test_relay_refuses_an_untrusted_leader(kafka, tmp_path):
    """Without a trust store the system's CAs are trusted, and the test CA
    is not one of them: the follower does not send the write (nor its
    Authorization header) to a leader it cannot authenticate; 50003."""
    from kafka_broker import make_tls_files
    make_tls_files(str(tmp_path / 'tls'))
    topic = new_topic()
    a, b = https_nodes(kafka, tmp_path, topic, {}, tmp_path / 'tls')
    a.start()
    b.start()
    try:
        assert a.register('s', schema(1)) == (200, {'id': 1})
        assert refused(b.register('t', schema(2)), 50003)
        assert a.get('/subjects/t/versions')[0] == 404
    finally:
        a.stop()
        b.stop()


def test_a_jks_trust_store_is_said_not_refused(tmp_path):
    """A JKS trust store (Confluent's listeners often have one) does not stop
    a start: it is named in a warning with keytool's command."""
    import subprocess
    from schemad_proc import schemad_bin
    conf = tmp_path / 'schemad.properties'
    conf.write_text('ssl.truststore.location=/etc/x/truststore.jks\n')
    r = subprocess.run([schemad_bin(), '-t', '-c', str(conf)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert 'keytool -importkeystore' in r.stderr + r.stdout


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
            assert st == 500 and body['error_code'] in (50001, 50002, 50003, 50004), (st, body)
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
        # The resumed one is a follower: a relayed write (which it may not
        # forward again) is refused, not written.
        assert wait_for(lambda: refused(leader.register('zz', schema(10 ** 7), headers=RELAYED),
                                        50003), 20)
        assert new.register('zz', schema(10 ** 7))[0] == 200
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


def confluent_schema_record(subject, version, sid, text):
    """A SCHEMA record as Confluent's leader writes it: no headers."""
    key = json.dumps({'keytype': 'SCHEMA', 'subject': subject, 'version': version,
                      'magic': 1}, separators=(',', ':'))
    value = json.dumps({'subject': subject, 'version': version, 'id': sid, 'schema': text,
                        'deleted': False}, separators=(',', ':'))
    return key.encode(), value.encode()


def test_beside_a_confluent_registry(kafka, tmp_path):
    """Beside a running Confluent or Karapace registry (a member of
    protocol type `sr` in the same group, with Confluent's member metadata
    and assignment): schemad never writes; it reads their leader from the
    group's assignment and relays writes to it, whose status and body pass
    through; their leader's records (no writer header) are read, not taken
    for a rogue writer's; readiness says a leader is known.  An assignment
    naming no leader gives 50004 and not ready.  Once their nodes leave,
    schemad nodes elect among themselves and give ids above theirs."""
    from confluent_kafka import Producer
    from sr_member import SrMember, identity
    topic = new_topic()
    group = 'confluent-%s' % topic
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})])[
        topic].result(30)
    fake = FakeLeader()
    theirs = [SrMember(kafka.bootstrap, group, identity('127.0.0.1', fake.port))]
    ours = []
    try:
        assert theirs[0].joined()['master_identity']['port'] == fake.port
        settings = {'schema.registry.group.id': group}
        ours = [node(kafka, tmp_path / 'a', topic, **settings),
                node(kafka, tmp_path / 'b', topic, **settings, **{'leader.eligibility': 'false'})]
        for d in ours:
            d.start()
        hdrs = {'Authorization': 'Basic dXNlcjpwYXNz', 'X-Request-ID': 'req-7'}
        for i, d in enumerate(ours):
            fake.script.append((200, b'{"id":%d}' % (101 + i), {}, 0))
            assert d.register('x', schema(i), headers=hdrs) == (200, {'id': 101 + i})
            method, path, seen, _ = fake.seen[-1]
            assert (method, path) == ('POST', '/subjects/x/versions')
            assert seen['authorization'] == hdrs['Authorization']
            assert seen['x-request-id'] == hdrs['X-Request-ID']
            assert d.get('/health/ready')[0] == 200
        fake.script.append((409, b'{"error_code":40901,"message":"theirs"}', {}, 0))
        assert ours[0].register('x', schema(9)) == (409, {'error_code': 40901, 'message': 'theirs'})

        # Their leader writes: read by every node, which keeps relaying.
        p = Producer({'bootstrap.servers': kafka.bootstrap})
        for v, sid in ((1, 101), (2, 102)):
            k, val = confluent_schema_record('x', v, sid, schema(v - 1))
            p.produce(topic, key=k, value=val)
        assert p.flush(30) == 0
        for d in ours:
            assert wait_for(lambda: d.get('/schemas/ids/102')[0] == 200)
        fake.script.append((200, b'{"id":103}', {}, 0))
        assert ours[0].register('x3', schema(3)) == (200, {'id': 103})

        # Their assignment names no leader (their one eligible node left,
        # an ineligible one stays): 50004, not ready.
        theirs.append(SrMember(kafka.bootstrap, group,
                               identity('127.0.0.1', fake.port + 1, eligible=False)))
        assert wait_for(lambda: len(theirs[0].coord.assignment or {}) and
                        theirs[1].coord.assignment is not None, 30)
        theirs.pop(0).stop()
        assert wait_for(lambda: refused(ours[0].register('x4', schema(4))), 30)
        assert ours[0].register('x4', schema(4)) == (500, {'error_code': 50004,
                                                          'message': 'Leader not known.'})
        assert ours[0].get('/health/ready')[0] == 503
        assert not [r for r in read_records(kafka.bootstrap, topic) if 'schemad.writer' in r[3]]

        # Their nodes gone: schemad elects, and its ids are above theirs.
        theirs.pop().stop()
        t0 = time.monotonic()
        assert wait_for(lambda: ours[0].register('y', schema(5))[0] == 200, 60)
        print('schemad elected %.2f s after their last node left' % (time.monotonic() - t0))
        st, body = ours[0].register('y', schema(5))
        assert st == 200 and body['id'] > 102, body     # above every id in the topic
        assert ours[1].register('y6', schema(6))[0] == 200     # relayed to the new leader
        check_topic(kafka, topic)
    finally:
        for m in theirs:
            m.stop()
        for d in ours:
            d.stop()
        fake.stop()


def test_kill_and_pause_nodes_under_load(kafka, tmp_path):
    """The operator's worst minute: clients register through random live
    nodes of three (new schemas, and schemas of a small pool under new
    subjects) while, round after round, a random node (the leader half of
    the time) is killed (kill -9) or paused past the session timeout
    (SIGSTOP, then SIGCONT: a zombie), then brought back on the same URL.
    Afterwards every acknowledged registration reads alike on every node,
    one schema has one id wherever it was registered, the nodes agree, and
    in the topic, read uncommitted and committed, no id is bound to two
    schemas.  SCHEMAD_CHAOS_ROUNDS sets the rounds (default 4)."""
    rounds = int(os.environ.get('SCHEMAD_CHAOS_ROUNDS', '4'))
    topic = new_topic()
    nodes = [node(kafka, tmp_path / n, topic) for n in 'abc']
    for d in nodes:
        d.start()
    acked, errors, codes, lock = [], [], {}, threading.Lock()
    down = set()
    counter = itertools.count(1)
    stop = threading.Event()

    def text_of(i):
        return schema(10 ** 5 + i % 7) if i % 5 == 0 else schema(i)

    def client(seed):
        rnd = random.Random(seed)
        try:
            while not stop.is_set():
                i = next(counter)
                with lock:
                    live = [d for d in nodes if d not in down]
                d = rnd.choice(live)
                try:
                    st, body = d.register('q%d' % i, text_of(i))
                except (OSError, ValueError):
                    continue
                with lock:
                    if st == 200:
                        acked.append(('q%d' % i, body['id'], text_of(i)))
                    else:
                        # 50301: a node back from a kill still replays.
                        assert (st, body['error_code']) in ((500, 50001), (500, 50002),
                                                            (500, 50003), (500, 50004),
                                                            (503, 50301)), (st, body)
                        codes[body['error_code']] = codes.get(body['error_code'], 0) + 1
        except Exception as e:  # a thread's failure fails the test below
            errors.append(repr(e))

    threads = [threading.Thread(target=client, args=(s,)) for s in range(6)]
    try:
        leader_of(nodes, 'first')
        for t in threads:
            t.start()
        rnd = random.Random(7)
        for r in range(rounds):
            time.sleep(2)
            victim = leader_of(nodes, 'round-%d' % r) if r % 2 == 0 else rnd.choice(nodes)
            if r % 4 == 3:
                victim.proc.send_signal(signal.SIGSTOP)
                with lock:
                    down.add(victim)
                time.sleep(8)               # past the session (6 s)
                victim.proc.send_signal(signal.SIGCONT)
                how = 'SIGSTOP'
            else:
                with lock:
                    down.add(victim)
                victim.stop(signal.SIGKILL)
                time.sleep(1)
                victim.start()              # same port, same URL
                how = 'kill -9'
            with lock:
                down.discard(victim)
            print('round %d: %s of node %d; %d acknowledged so far'
                  % (r, how, victim.port, len(acked)))
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(60)
        assert not errors, errors[:3]
        print('%d registrations acknowledged over %d rounds; refused meanwhile: %s'
              % (len(acked), rounds, codes))
        assert acked
        ids = {}
        for _, sid, text in acked:
            ids.setdefault(text, set()).add(sid)
        assert all(len(s) == 1 for s in ids.values()), \
            {t: s for t, s in ids.items() if len(s) > 1}
        for d in nodes:
            for subject, sid, text in acked:
                assert wait_for(lambda: d.get('/subjects/%s/versions/1' % subject)[0] == 200)
                body = d.get('/subjects/%s/versions/1' % subject)[1]
                assert (body['id'], body['schema']) == (sid, text), (d.port, subject, body)
        assert wait_for(lambda: all(d.get('/schemas') == nodes[0].get('/schemas')
                                    for d in nodes))
    finally:
        stop.set()
        for d in nodes:
            if d.proc is not None and d.proc.poll() is None:
                d.proc.send_signal(signal.SIGCONT)
            d.stop()
    check_topic(kafka, topic)
    check_topic_raw(kafka, topic)
