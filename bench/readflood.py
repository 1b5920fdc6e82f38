#!/usr/bin/env python3
"""readflood.py: what reads the master answers cost it, and what they do to
writes meanwhile.

With N subjects registered (default 20,000: past the size at which GET
/schemas is no longer kept in the shared table, so the master renders it),
three phases, each with one writer registering new schemas one after the
other on its own connection:

  quiet   the writer alone (its latency without load)
  cancel  one h2c connection sends --cancels GET /schemas requests, each
          reset (RST_STREAM) in the same write as its HEADERS
  flood   --readers HTTP/1.1 keep-alive clients read GET /schemas and
          GET /subjects?deleted=true (both answered by the master) for
          --duration seconds

Printed per phase: the master's CPU time (user+sys from /proc/PID/stat,
until it is idle again after the load stops), the reads answered, and the
writer's registrations with their latency p50/p99/max and any that failed.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'integration'))
from common import (Schemad, avro_schema, load_after, machine_info, pct,  # noqa: E402
                    post, tmpdir)
from h2mini import H2Conn  # noqa: E402

TICK = os.sysconf('SC_CLK_TCK')


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def populate(port, n, conns=4):
    def run(k):
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        for i in range(k, n, conns):
            st, body = post(c, '/subjects/flood-%d/versions' % i,
                            json.dumps({'schema': avro_schema(i, 'F')}))
            if st != 200:
                raise SystemExit('populate: HTTP %d %r' % (st, body))
    ts = [threading.Thread(target=run, args=(k,)) for k in range(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


class Writer(threading.Thread):
    """Registers new schemas one after the other until stopped."""

    def __init__(self, port, tag):
        super().__init__(daemon=True)
        self.port, self.tag = port, tag
        self.lat, self.failed = [], 0
        self.halt = threading.Event()

    def run(self):
        c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        i = 0
        while not self.halt.is_set():
            t0 = time.monotonic()
            try:
                st, _ = post(c, '/subjects/w-%s-%d/versions' % (self.tag, i),
                             json.dumps({'schema': avro_schema(i, 'W' + self.tag)}))
            except OSError:
                st = 0
                c.close()
                c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
            if st == 200:
                self.lat.append((time.monotonic() - t0) * 1000)
            else:
                self.failed += 1
            i += 1
            time.sleep(0.01)


def settle(pid, quiet=0.5, limit=120):
    """Wait until the master used no CPU for `quiet` seconds."""
    end = time.monotonic() + limit
    last = cpu_seconds(pid)
    while time.monotonic() < end:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now - last < 0.02:
            return
        last = now


def phase(name, d, load):
    pid = d.proc.pid
    w = Writer(d.port, name)
    c0 = cpu_seconds(pid)
    t0 = time.monotonic()
    w.start()
    reads = load()
    settle(pid)
    w.halt.set()
    w.join(70)
    secs = time.monotonic() - t0
    cpu = cpu_seconds(pid) - c0
    print('%-7s %6.1f s  master cpu %6.2f s  reads %6d  writes %5d  write ms p50 %7.1f  '
          'p99 %7.1f  max %7.1f  failed %d' %
          (name, secs, cpu, reads, len(w.lat), pct(w.lat, 50), pct(w.lat, 99),
           max(w.lat) if w.lat else float('nan'), w.failed))
    sys.stdout.flush()


def quiet_load(seconds):
    def load():
        time.sleep(seconds)
        return 0
    return load


def cancel_load(port, n):
    def load():
        h = H2Conn('127.0.0.1', port)
        for _ in range(n):
            h.get_cancel('/schemas')
        sid = h.get('/schemas/types')     # the connection still works
        ok = h.wait(sid, 120)
        h.close()
        if not ok or ok[0] != 200:
            print('cancel: the connection did not answer afterwards: %r' % (ok,))
        return n
    return load


def _reader(port, seconds, k, count):
    end = time.monotonic() + seconds
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
    paths = ['/schemas', '/subjects?deleted=true']
    n = 0
    while time.monotonic() < end:
        c.request('GET', paths[(n + k) % 2])
        r = c.getresponse()
        r.read()
        n += 1
    count.value = n


def flood_load(port, readers, seconds):
    """Readers in processes of their own: in threads beside the writer they
    would hold the writer back on the interpreter lock."""
    def load():
        ctx = multiprocessing.get_context('fork')
        counts = [ctx.Value('l', 0) for _ in range(readers)]
        ps = [ctx.Process(target=_reader, args=(port, seconds, k, counts[k]))
              for k in range(readers)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        return sum(c.value for c in counts)
    return load


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--subjects', type=int, default=20000)
    ap.add_argument('--cancels', type=int, default=1000)
    ap.add_argument('--readers', type=int, default=4)
    ap.add_argument('--duration', type=float, default=10)
    ap.add_argument('--workers', type=int, default=2)
    args = ap.parse_args()
    machine_info()
    print('== settings: subjects %d, cancels %d, readers %d, flood %.0f s, workers %d'
          % (args.subjects, args.cancels, args.readers, args.duration, args.workers))
    d = Schemad(tmpdir('readflood-'), {'workers': str(args.workers)}).start()
    d.wait_ready()
    t0 = time.monotonic()
    populate(d.port, args.subjects)
    c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=60)
    c.request('GET', '/schemas')
    r = c.getresponse()
    size = len(r.read())
    print('populated %d subjects in %.1f s; GET /schemas is %d bytes'
          % (args.subjects, time.monotonic() - t0, size))
    settle(d.proc.pid)
    print('== phases')
    phase('quiet', d, quiet_load(args.duration))
    phase('cancel', d, cancel_load(d.port, args.cancels))
    phase('flood', d, flood_load(d.port, args.readers, args.duration))
    d.stop()
    load_after()


if __name__ == '__main__':
    main()
