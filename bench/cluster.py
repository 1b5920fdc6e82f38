#!/usr/bin/env python3
"""cluster.py - three schemad nodes on one `_schemas` topic of a real Kafka
broker (KRaft, local): new schemas registered per second through the
leader and through a follower (which relays to it), and the time from the
leader's death (kill -9) or pause (SIGSTOP) to the first write the
survivors acknowledge.

    bench/cluster.py                        # Confluent's group timings (10 s session, 3 s heartbeat)
    bench/cluster.py --session-ms 6000      # the tests' timings
    bench/cluster.py --duration 3 --runs 1  # quick

Each client is a thread with a keep-alive connection registering a schema
never seen before in a subject of its own (no compatibility check against
earlier versions).  Every server is on 127.0.0.1 and stopped by pid at exit.
"""

import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

RELAYED = {'X-Schemad-Forwarded': '1'}


def register(c, subject, i, tag, headers=None):
    body = json.dumps({'schema': common.avro_schema(i, tag=tag)})
    h = {'Content-Type': common.CT}
    h.update(headers or {})
    c.request('POST', '/subjects/%s/versions' % subject, body=body, headers=h)
    r = c.getresponse()
    return r.status, r.read()


def leader_of(nodes, timeout=60):
    """The node that takes a registration itself (sent as if relayed, so
    that a follower refuses it rather than relaying it)."""
    deadline = time.monotonic() + timeout
    tag = uuid.uuid4().hex[:8]      # a new schema: a re-registration is a read, any node's
    i = 0
    while time.monotonic() < deadline:
        for d in nodes:
            i += 1
            try:
                c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=10)
                st, _ = register(c, 'lead-%s-%d' % (tag, i), i, 'lead_%s_' % tag, RELAYED)
                c.close()
            except OSError:
                continue
            if st == 200:
                return d
        time.sleep(0.2)
    raise RuntimeError('no leader after %d s' % timeout)


def rate(port, clients, duration, tag):
    """Registrations/s, p50 and p99 latency (ms), errors."""
    lat, errs, lock = [], [], threading.Lock()
    samples = []
    start = threading.Event()

    def worker(t):
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        mine, bad, i = [], 0, 0
        start.wait()
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            i += 1
            t0 = time.monotonic()
            try:
                st, body = register(c, 'r-%s-%d-%d' % (tag, t, i), i, '%s_%d_' % (tag, t))
            except (OSError, http.client.HTTPException) as e:
                if bad < 2:
                    samples.append(repr(e))
                c.close()
                c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
                bad += 1
                continue
            if st == 200:
                mine.append(time.monotonic() - t0)
            else:
                bad += 1
                if bad <= 2:
                    samples.append((st, body[:200]))
        with lock:
            lat.extend(mine)
            errs.append(bad)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(clients)]
    for th in threads:
        th.start()
    start.set()
    for th in threads:
        th.join()
    if samples:
        print('errors, a sample: %s' % samples[:4])
    return len(lat) / duration, common.pct(lat, 50) * 1e3, common.pct(lat, 99) * 1e3, sum(errs)


def first_ack_after(survivors, tag, timeout=90, every=0.25):
    """Seconds from now until one of the survivors acknowledges a new
    registration.  A probe starts every `every` s, to each survivor in
    turn, on a connection of its own, and waits as long as it takes: a
    follower may hold a write relayed to the dead leader until
    leader.read.timeout.ms, which must not hide a later probe's success."""
    t0 = time.monotonic()
    done = []
    lock = threading.Lock()

    def probe(d, i):
        try:
            c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=timeout)
            st, _ = register(c, 'fo-%s-%d' % (tag, i), i, 'fo_%s_' % tag)
            c.close()
        except (OSError, http.client.HTTPException):
            return
        if st == 200:
            with lock:
                done.append(time.monotonic() - t0)

    threads, i = [], 0
    while not done and time.monotonic() - t0 < timeout:
        th = threading.Thread(target=probe, args=(survivors[i % len(survivors)], i), daemon=True)
        th.start()
        threads.append(th)
        i += 1
        time.sleep(every)
    return min(done) if done else float('nan')


def start_nodes(work, bootstrap, topic, group, a, names):
    nodes = []
    for n in names:
        d = common.Schemad(os.path.join(work, n), {
            'journal': 'kafka', 'kafkastore.bootstrap.servers': bootstrap,
            'kafkastore.topic': topic, 'schema.registry.group.id': group,
            'workers': str(a.workers), 'host.name': '127.0.0.1',
            'kafkagroup.session.timeout.ms': str(a.session_ms),
            'kafkagroup.heartbeat.interval.ms': str(a.heartbeat_ms)})
        nodes.append(d.start())
    for d in nodes:
        d.wait_ready(timeout=120)
    return nodes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--duration', type=float, default=10.0, help='seconds per rate run (max 120)')
    ap.add_argument('--runs', type=int, default=2, help='rate runs per target (median reported)')
    ap.add_argument('--clients', type=int, default=8)
    ap.add_argument('--workers', type=int, default=1, help='workers per node')
    ap.add_argument('--session-ms', type=int, default=10000,
                    help='kafkagroup.session.timeout.ms (Confluent default 10000)')
    ap.add_argument('--heartbeat-ms', type=int, default=3000,
                    help='kafkagroup.heartbeat.interval.ms (Confluent default 3000)')
    ap.add_argument('--failovers', type=int, default=2, help='kill -9 and SIGSTOP rounds each')
    ap.add_argument('--warmup', type=float, default=10.0,
                    help='seconds of unmeasured registrations first (the broker\'s JVM warms up)')
    a = ap.parse_args()
    a.duration = max(1.0, min(a.duration, 120.0))
    a.runs = max(1, min(a.runs, 10))

    common.machine_info()
    work = common.tmpdir('schemad-bench-cluster.')
    sys.path.insert(0, os.path.join(common.HERE, '..', 'tests', 'integration'))
    from kafka_broker import KafkaBroker
    broker = KafkaBroker(os.path.join(work, 'kafka'))
    t0 = time.monotonic()
    broker.start()
    print('kafka:   broker %s (started in %.1f s)' % (broker.bootstrap, time.monotonic() - t0))
    topic = '_schemas_bench_%s' % uuid.uuid4().hex[:8]
    group = 'bench-%s' % uuid.uuid4().hex[:8]
    print('nodes:   3, %d worker(s) each; session %d ms, heartbeat %d ms; %d clients, %.0f s '
          'per run, %d runs' % (a.workers, a.session_ms, a.heartbeat_ms, a.clients, a.duration,
                                a.runs))
    try:
        nodes = start_nodes(work, broker.bootstrap, topic, group, a, ('a', 'b', 'c'))
        leader = leader_of(nodes)
        follower = next(d for d in nodes if d is not leader)
        if a.warmup > 0:
            w = rate(leader.port, a.clients, min(a.warmup, 120.0), 'w' + uuid.uuid4().hex[:4])
            print('warm-up via the leader, %.0f s: %.0f registrations/s (not counted)'
                  % (a.warmup, w[0]))
        results = {}
        for name, target in (('leader', leader), ('follower', follower)):
            runs = []
            for r in range(a.runs):
                runs.append(rate(target.port, a.clients, a.duration, '%s%d%s'
                                 % (name[0], r, uuid.uuid4().hex[:4])))
                print('run %d via the %s: %.0f registrations/s, p50 %.1f ms, p99 %.1f ms, '
                      '%d errors' % ((r + 1, name) + runs[-1]))
            results[name] = sorted(runs)[len(runs) // 2]
        failover = {'kill -9': [], 'SIGSTOP': []}
        for k in range(a.failovers):
            for how, sig in (('kill -9', signal.SIGKILL), ('SIGSTOP', signal.SIGSTOP)):
                leader = leader_of(nodes)
                survivors = [d for d in nodes if d is not leader]
                leader.proc.send_signal(sig)
                took = first_ack_after(survivors, '%d%s' % (k, how[0]))
                failover[how].append(took)
                print('failover %d (%s of the leader): first write acknowledged after %.2f s'
                      % (k + 1, how, took))
                if sig == signal.SIGSTOP:
                    leader.proc.send_signal(signal.SIGCONT)
                    time.sleep(1)
                else:
                    leader.proc.wait()
                leader.stop()
                leader.start()          # same port, same URL: a follower again
                leader.wait_ready(timeout=120)
        print('== summary (medians)')
        for name in ('leader', 'follower'):
            print('registrations/s via the %-8s %6.0f  (p50 %.1f ms, p99 %.1f ms)'
                  % (name + ':', results[name][0], results[name][1], results[name][2]))
        for how, xs in failover.items():
            xs = sorted(xs)
            print('failover after %-8s %.2f s  (runs: %s)'
                  % (how + ':', xs[len(xs) // 2], ', '.join('%.2f' % x for x in xs)))
        common.load_after()
    finally:
        common.stop_all()
        broker.stop()


if __name__ == '__main__':
    main()
