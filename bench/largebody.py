#!/usr/bin/env python3
"""largebody.py - memory of the master and the workers before, during and
after a burst of large requests: does it come back to its baseline?

    bench/largebody.py                       # 8 MB bodies, 24 requests, 4 clients
    bench/largebody.py --mb 15 --requests 48 --clients 8
    bench/largebody.py --rounds 3            # the same burst again: no creep

The burst mixes, per client in turn: a registration of a new schema whose
text is about --mb MB (an Avro record with a long doc: the worker parses it
for its fingerprint, the master parses, stores and journals it, the table
keeps it), a lookup of a registered one (same size, answered by the worker
from the table after parsing the body), and a body over request.max.bytes
(twice --mb, refused 413 from its Content-Length before it is read).

Printed per process (master, workers): RssAnon (heap and anonymous maps:
what a burst can leave behind) and VmRSS (also the shared table's pages,
which grow by the schemas stored) at the baseline, the peak (sampled every
20 ms during the burst) and 2 s after it; and the table's own resident
size, which holds the stored schemas by design.
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def big_schema(i, mb):
    doc = ('%d-' % i) + 'x' * int(mb * 1024 * 1024)
    return json.dumps({'schema': json.dumps({
        'type': 'record', 'name': 'Big%d' % i, 'doc': doc,
        'fields': [{'name': 'id', 'type': 'long'}]})})


def mem(pids):
    return {p: (common.status_kb(p, 'RssAnon'), common.status_kb(p, 'VmRSS')) for p in pids}


def client(port, jobs, statuses):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
    for path, body in jobs:
        try:
            c.request('POST', path, body=body, headers={'Content-Type': common.CT})
            r = c.getresponse()
            r.read()
            statuses.append(r.status)
            if r.will_close:
                c.close()
                c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
        except OSError:
            # A 413 may reach the client while it still writes the body:
            # the server closes, the client sees a reset; count it as such.
            statuses.append('reset')
            c.close()
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
    c.close()


def burst(d, args, rnd, pids):
    jobs = [[] for _ in range(args.clients)]
    over = b'{"schema":"' + b'y' * int(2 * args.mb * 1024 * 1024) + b'"}'
    for i in range(args.requests):
        kind = i % 3
        n = rnd * 100000 + i
        if kind == 0:
            job = ('/subjects/big-%d/versions' % n, big_schema(n, args.mb))
        elif kind == 1:
            job = ('/subjects/big-0', big_schema(0, args.mb))
        else:
            job = ('/subjects/over/versions', over)
        jobs[i % args.clients].append(job)
    statuses = []
    peak = {p: (0, 0) for p in pids}
    done = threading.Event()

    def sample():
        while not done.is_set():
            for p, (a, r) in mem(pids).items():
                peak[p] = (max(peak[p][0], a), max(peak[p][1], r))
            time.sleep(0.02)
    s = threading.Thread(target=sample)
    s.start()
    t0 = time.monotonic()
    ts = [threading.Thread(target=client, args=(d.port, j, statuses)) for j in jobs]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.monotonic() - t0
    done.set()
    s.join()
    return peak, statuses, took


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--mb', type=float, default=8, help='schema size in MB (default 8)')
    ap.add_argument('--requests', type=int, default=24)
    ap.add_argument('--clients', type=int, default=4)
    ap.add_argument('--rounds', type=int, default=2)
    ap.add_argument('--limit', default='16M',
                    help='request.max.bytes (default 16M; "unset" for a schemad without it)')
    args = ap.parse_args()

    common.machine_info()
    print('== settings')
    print('bodies %.1f MB, %d requests per round over %d keep-alive clients, %d rounds, '
          'request.max.bytes=%s, 2 workers, file journal'
          % (args.mb, args.requests, args.clients, args.rounds, args.limit))
    work = common.tmpdir('bench-largebody-')
    settings = {'table.size': '2G'}
    if args.limit != 'unset':
        settings['request.max.bytes'] = args.limit
    d = common.Schemad(work, settings).start()
    d.wait_ready()
    c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=120)
    st, _ = common.post(c, '/subjects/big-0/versions', big_schema(0, args.mb))
    assert st == 200, st
    for i in range(50):
        common.post(c, '/subjects/small-%d/versions' % i,
                    json.dumps({'schema': common.avro_schema(i)}))
    c.close()
    time.sleep(1)
    pids = [d.proc.pid] + sorted(d.worker_pids())
    names = {p: ('master' if p == d.proc.pid else 'worker') for p in pids}
    base = mem(pids)
    tbase = common.table_mapping(d.proc.pid)[1]

    print('== runs (kB; RssAnon = heap and anonymous maps, VmRSS adds the shared table)')
    print('%-5s %-7s %-8s %10s %10s %10s %10s | %10s %10s %10s'
          % ('round', 'process', 'pid', 'anon base', 'anon peak', 'anon after', 'after-base',
             'rss base', 'rss peak', 'rss after'))
    for rnd in range(1, args.rounds + 1):
        peak, statuses, took = burst(d, args, rnd, pids)
        time.sleep(2)
        after = mem(pids)
        counts = {}
        for s in statuses:
            counts[s] = counts.get(s, 0) + 1
        for p in pids:
            print('%-5d %-7s %-8d %10d %10d %10d %+10d | %10d %10d %10d'
                  % (rnd, names[p], p, base[p][0], peak[p][0], after[p][0],
                     after[p][0] - base[p][0], base[p][1], peak[p][1], after[p][1]))
        print('      answers %s in %.2f s; table resident %d kB -> %d kB (the stored schemas)'
              % (dict(sorted(counts.items(), key=str)), took, tbase,
                 common.table_mapping(d.proc.pid)[1]))
        sys.stdout.flush()
    print('== summary')
    worst = max(after[p][0] - base[p][0] for p in pids)
    print('largest RssAnon left above baseline after %d rounds: %+d kB (bodies of %.1f MB)'
          % (args.rounds, worst, args.mb))
    common.load_after()
    d.stop()


if __name__ == '__main__':
    main()
