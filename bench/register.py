#!/usr/bin/env python3
"""register.py - distinct NEW schemas registered per second through the
master: 64 concurrent clients (threads, spread over --procs processes to
dodge the GIL, each an http.client keep-alive connection) POST
/subjects/{s}/versions with a schema never seen before (one new subject per
schema, so no compatibility check against earlier versions).

    bench/register.py                 # file journal (fsync per group commit)
    bench/register.py --kafka         # a real Kafka broker (KRaft, local)
    bench/register.py --duration 3    # quick
    bench/register.py --client wrk    # the same load from wrk (2 threads,
                                      # 64 connections): the Python client
                                      # takes about a core of this 2-core box

With --client wrk a Lua script builds the same schema shape, each with a
name no other request used (thread and counter), so every request is a new
schema in a new subject.

Every server is on 127.0.0.1 and stopped by pid at exit.
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def client_proc(port, nthreads, first_thread, duration, tag, q, mode='new'):
    lat, errs, counts = [], [], []
    lock = threading.Lock()
    start_evt = threading.Event()

    def worker(t):
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        my_lat, my_err, i = [], [], 0
        start_evt.wait()
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            body = json.dumps({'schema': common.avro_schema(i, tag='%s_%d_' % (tag, t))})
            t0 = time.monotonic()
            try:
                subj = ('reg-%s-%d-%d' % (tag, t, i)) if mode == 'new' else ('reg-%s-%d' % (tag, t))
                st, rb = common.post(c, '/subjects/%s/versions' % subj, body)
            except (OSError, http.client.HTTPException) as e:
                my_err.append(repr(e))
                c.close()
                c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
                i += 1
                continue
            dt = time.monotonic() - t0
            if st == 200:
                my_lat.append(dt)
            else:
                my_err.append('HTTP %d %s' % (st, rb[:200]))
            i += 1
        with lock:
            lat.extend(my_lat)
            errs.extend(my_err)
            counts.append(i)

    ths = [threading.Thread(target=worker, args=(first_thread + k,)) for k in range(nthreads)]
    for th in ths:
        th.start()
    cpu0 = time.process_time()
    start_evt.set()
    for th in ths:
        th.join()
    q.put((lat, errs[:5], len(errs), time.process_time() - cpu0))


def run_load(port, clients, procs, duration, tag, mode):
    q = mp.Queue()
    per = [clients // procs + (1 if k < clients % procs else 0) for k in range(procs)]
    ps, first = [], 0
    for k in range(procs):
        p = mp.Process(target=client_proc, args=(port, per[k], first, duration, tag, q, mode))
        first += per[k]
        ps.append(p)
    t0 = time.monotonic()
    for p in ps:
        p.start()
    res = [q.get() for _ in ps]
    for p in ps:
        p.join()
    wall = time.monotonic() - t0
    lat = [x for r in res for x in r[0]]
    errs = [x for r in res for x in r[1]]
    nerr = sum(r[2] for r in res)
    cpu = sum(r[3] for r in res)
    return lat, errs, nerr, cpu, wall


WRK_SCRIPT = r'''
-- tid is a global: setup() sets it in each thread's own Lua state.
local n, tag = 0, "%(tag)s"
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
function request()
    n = n + 1
    local name = string.format("Rec%%s_%%d_%%d", tag, tid, n)
    local schema = string.format('{"type":"record","name":"%%s","namespace":"bench.schemad",'
        .. '"fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},'
        .. '{"name":"amount","type":["null","double"],"default":null},'
        .. '{"name":"n%%d","type":"int","default":%%d}]}', name, n, n)
    local body = '{"schema":"' .. schema:gsub('"', '\\"') .. '"}'
    return wrk.format("POST", "/subjects/reg-" .. name .. "/versions",
                      {["Content-Type"] = "%(ct)s"}, body)
end
'''


def wrk_ms(v):
    m = re.match(r'([0-9.]+)(us|ms|s|m)$', v)
    if not m:
        return float('nan')
    return float(m.group(1)) * {'us': 1e-3, 'ms': 1.0, 's': 1e3, 'm': 6e4}[m.group(2)]


def run_wrk(port, clients, duration, tag, work):
    """The load from wrk -t2: (registered, p50 ms, p99 ms, errors, client CPU s)."""
    script = os.path.join(work, 'register-%s.lua' % tag)
    with open(script, 'w') as f:
        f.write(WRK_SCRIPT % {'tag': tag, 'ct': common.CT})
    t0 = os.times()
    out = subprocess.run(['wrk', '-t2', '-c%d' % clients, '-d%ds' % duration, '--latency',
                          '-s', script, 'http://127.0.0.1:%d' % port],
                         capture_output=True, text=True, timeout=duration + 60).stdout
    t1 = os.times()
    done = int(re.search(r'(\d+) requests in', out).group(1))
    bad = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    errs = int(bad.group(1)) if bad else 0
    p50 = wrk_ms(re.search(r'^\s+50%\s+(\S+)', out, re.M).group(1))
    p99 = wrk_ms(re.search(r'^\s+99%\s+(\S+)', out, re.M).group(1))
    cpu = (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
    return done - errs, p50, p99, errs, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--kafka', action='store_true', help='journal=kafka on a local real broker')
    ap.add_argument('--duration', type=float, default=10.0, help='seconds per run (max 120)')
    ap.add_argument('--clients', type=int, default=64)
    ap.add_argument('--procs', type=int, default=2, help='client processes sharing the threads')
    ap.add_argument('--runs', type=int, default=2, help='runs on the same server (median reported)')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--client', choices=('python', 'wrk'), default='python',
                    help='the load generator (wrk: --subjects new only)')
    ap.add_argument('--subjects', choices=('new', 'thread'), default='new',
                    help='new: one new subject per schema (default); thread: one subject per '
                         'client, global compatibility NONE (versions pile up in 64 subjects)')
    a = ap.parse_args()
    a.duration = max(1.0, min(a.duration, 120.0))
    a.runs = max(1, min(a.runs, 10))
    if a.client == 'wrk' and a.subjects != 'new':
        ap.error('--client wrk registers into new subjects only')

    common.machine_info()
    work = common.tmpdir('schemad-bench-register.')
    settings = {'workers': str(a.workers)}
    broker = None
    if a.kafka:
        sys.path.insert(0, os.path.join(common.HERE, '..', 'tests', 'integration'))
        from kafka_broker import KafkaBroker
        broker = KafkaBroker(os.path.join(work, 'kafka'))
        t0 = time.monotonic()
        broker.start()
        print('kafka:   broker %s (started in %.1f s)' % (broker.bootstrap, time.monotonic() - t0))
        settings.update({'journal': 'kafka', 'kafkastore.bootstrap.servers': broker.bootstrap,
                         'kafkastore.topic': '_schemas_bench_%s' % uuid.uuid4().hex[:8],
                         'schema.registry.group.id': 'bench-%s' % uuid.uuid4().hex[:8]})
    try:
        sd = common.Schemad(os.path.join(work, 'sd'), settings).start()
        print('schemad: pid %d on 127.0.0.1:%d, journal=%s, workers=%d; ready in %.2f s'
              % (sd.proc.pid, sd.port, settings.get('journal', 'file'), a.workers, sd.wait_ready()))
        if a.client == 'wrk':
            print('run:     wrk -t2 -c%d (keep-alive), %.0f s per run, %d runs'
                  % (a.clients, a.duration, a.runs))
        else:
            print('run:     %d clients (threads over %d processes), keep-alive, %.0f s per run, %d runs'
                  % (a.clients, a.procs, a.duration, a.runs))
        if a.subjects == 'thread':
            import http.client as hc
            c = hc.HTTPConnection('127.0.0.1', sd.port, timeout=30)
            c.request('PUT', '/config', body='{"compatibility":"NONE"}', headers={'Content-Type': common.CT})
            rr = c.getresponse()
            print('config:  PUT /config NONE -> %d %s' % (rr.status, rr.read()[:100]))
        print('subjects: %s' % ('one new subject per schema' if a.subjects == 'new'
                                else 'one subject per client thread'))
        rates = []
        for r in range(a.runs):
            tag = '%d%s' % (r, uuid.uuid4().hex[:4])
            if a.client == 'wrk':
                errs = []
                done, p50, p99, nerr, cpu = run_wrk(sd.port, a.clients, int(a.duration), tag, work)
            else:
                lat, errs, nerr, cpu, wall = run_load(sd.port, a.clients, a.procs, a.duration,
                                                      tag, a.subjects)
                done, p50, p99 = len(lat), common.pct(lat, 50) * 1e3, common.pct(lat, 99) * 1e3
            rate = done / a.duration
            rates.append((rate, p50, p99))
            print('run %d: %d schemas registered in %.1f s: %.0f schemas/s, p50 %.2f ms, '
                  'p99 %.2f ms, %d errors; client CPU %.1f s (%.0f%% of one core)'
                  % (r + 1, done, a.duration, rate, p50, p99, nerr, cpu, 100 * cpu / a.duration))
            for e in errs:
                print('   error: %s' % e)
            tsz, trss = common.table_mapping(sd.proc.pid)
            print('       after run %d: shared table %.1f MB resident, master VmRSS %.1f MB'
                  % (r + 1, trss / 1024.0, common.status_kb(sd.proc.pid, 'VmRSS') / 1024.0))
            if sd.proc.poll() is not None:
                sys.exit('schemad exited (%d) during the run:\n%s' % (sd.proc.returncode, sd.log_tail()))
        print()
        print('== summary: journal=%s, %d clients: median %.0f new schemas/s, p50 %.2f ms, p99 %.2f ms (runs: %s)'
              % (settings.get('journal', 'file'), a.clients, common.median([x[0] for x in rates]),
                 common.median([x[1] for x in rates]), common.median([x[2] for x in rates]),
                 ' '.join('%.0f' % x[0] for x in rates)))
        warn = [x for x in sd.log_tail(200).splitlines() if 'full' in x or 'error' in x.lower()]
        for x in warn[-5:]:
            print('schemad log: %s' % x)
        sd.stop()
    finally:
        common.stop_all()
        common.load_after()
        if broker:
            broker.stop()
        if not os.environ.get('BENCH_KEEP'):
            import shutil
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
