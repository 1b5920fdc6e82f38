"""Shared helpers for the Python benchmarks in bench/.

Servers are started on 127.0.0.1 only, remembered, and stopped by pid
(SIGTERM, then SIGKILL) by stop_all(), which the scripts call from atexit.
"""

import atexit
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CT = 'application/vnd.schemaregistry.v1+json'
_procs = []


def schemad_bin():
    for b in (os.environ.get('SCHEMAD_BIN'), os.path.join(HERE, '..', 'schemad'),
              '/tmp/build-bench/schemad', '/tmp/build/schemad'):
        if b and os.access(b, os.X_OK):
            return os.path.abspath(b)
    sys.exit('bench: no schemad binary: set SCHEMAD_BIN=/path/to/schemad')


def machine_info():
    model = '?'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    with open('/proc/loadavg') as f:
        load = ' '.join(f.read().split()[:3])
    n = os.cpu_count()
    print('== machine')
    print('cpu:     %s' % model)
    print('cores:   %d' % n)
    print('kernel:  %s %s' % (platform.system(), platform.release()))
    print('schemad: %s' % schemad_bin())
    print('load:    %s (1/5/15 min, before the run)' % load)
    print('NOTE:    the load generator (this Python process) runs on the SAME host and')
    print('         shares these %d cores with the server under test.' % n)
    sys.stdout.flush()


def load_after():
    with open('/proc/loadavg') as f:
        print('load after: %s (1/5/15 min; well above the benchmark\'s own threads means '
              'other processes competed for the cores)' % ' '.join(f.read().split()[:3]))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def track(proc):
    _procs.append(proc)
    return proc


def stop(proc, grace=10.0):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in _procs:
        _procs.remove(proc)


def stop_all():
    for p in reversed(list(_procs)):
        stop(p)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))


class Schemad:
    """One schemad process: start() returns once the process is spawned."""

    def __init__(self, workdir, settings=None):
        self.workdir = workdir
        self.port = free_port()
        self.data_dir = os.path.join(workdir, 'data')
        os.makedirs(self.data_dir, exist_ok=True)
        self.settings = {'listeners': 'http://127.0.0.1:%d' % self.port,
                         'journal': 'file', 'data.dir': self.data_dir,
                         'workers': '2', 'table.size': '1G'}
        self.settings.update(settings or {})
        self.proc = None
        self.log_path = os.path.join(workdir, 'schemad.log')

    def start(self):
        conf = os.path.join(self.workdir, 'schemad.properties')
        with open(conf, 'w') as f:
            for k, v in self.settings.items():
                f.write('%s=%s\n' % (k, v))
        self.log = open(self.log_path, 'ab')
        self.t_start = time.monotonic()
        self.proc = track(subprocess.Popen([schemad_bin(), '-c', conf],
                                           stdout=self.log, stderr=self.log,
                                           stdin=subprocess.DEVNULL))
        return self

    def wait_ready(self, timeout=600, interval=0.005):
        """Seconds from spawn to the first 200 of /health/ready."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError('schemad exited with %d:\n%s'
                                   % (self.proc.returncode, self.log_tail()))
            try:
                c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=2)
                c.request('GET', '/health/ready')
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return time.monotonic() - self.t_start
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError('schemad not ready after %d s:\n%s'
                                   % (timeout, self.log_tail()))
            time.sleep(interval)

    def log_tail(self, n=20):
        try:
            with open(self.log_path, errors='replace') as f:
                return ''.join(f.readlines()[-n:])
        except OSError:
            return ''

    def worker_pids(self):
        out = subprocess.run(['ps', '--ppid', str(self.proc.pid), '-o', 'pid='],
                             stdout=subprocess.PIPE, text=True).stdout
        return [int(x) for x in out.split()]

    def stop(self):
        if self.proc:
            stop(self.proc)


def status_kb(pid, field):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    return 0


def table_mapping(pid):
    """(Size kB, Rss kB) of the memfd mapping 'schemad-table' in pid."""
    size = rss = 0
    inside = False
    with open('/proc/%d/smaps' % pid) as f:
        for line in f:
            parts = line.split()
            if '-' in parts[0] and len(parts) >= 5 and ':' not in parts[0]:
                inside = 'schemad-table' in line
                continue
            if inside and parts[0] == 'Size:':
                size += int(parts[1])
            elif inside and parts[0] == 'Rss:':
                rss += int(parts[1])
    return size, rss


def avro_schema(i, tag=''):
    """A distinct, valid Avro record schema (~220 bytes) for index i."""
    return json.dumps({
        'type': 'record', 'name': 'Rec%s%d' % (tag, i), 'namespace': 'bench.schemad',
        'fields': [{'name': 'id', 'type': 'long'},
                   {'name': 'name', 'type': 'string'},
                   {'name': 'amount', 'type': ['null', 'double'], 'default': None},
                   {'name': 'n%d' % i, 'type': 'int', 'default': i}]},
        separators=(',', ':'))


def post(conn, path, body):
    conn.request('POST', path, body=body, headers={'Content-Type': CT})
    r = conn.getresponse()
    return r.status, r.read()


def pct(values, p):
    if not values:
        return float('nan')
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def median(values):
    return statistics.median(values) if values else float('nan')


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix=prefix, dir='/tmp')
