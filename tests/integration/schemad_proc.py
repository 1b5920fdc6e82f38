"""The real schemad daemon, started as in production, for integration tests.

    d = Schemad(workdir, {'workers': 2})
    d.start()            # waits for /health/ready
    d.get('/subjects')   # (status, parsed body)
    d.stop()             # SIGTERM, waits, returns the exit status

The binary is $SCHEMAD_BIN (set by `make check`), else ../../schemad.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CT = 'application/vnd.schemaregistry.v1+json'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def schemad_bin():
    b = os.environ.get('SCHEMAD_BIN')
    if b:
        return b
    return os.path.abspath(os.path.join(HERE, '..', '..', 'schemad'))


def avro_record(name, fields, namespace=None):
    s = {'type': 'record', 'name': name,
         'fields': [{'name': f, 'type': t} for f, t in fields]}
    if namespace:
        s['namespace'] = namespace
    return json.dumps(s)


RUNNING = []  # daemons started and not yet stopped, for teardown


class Schemad:
    def __init__(self, workdir, settings=None, port=None, env=None):
        self.workdir = str(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.port = port or free_port()
        self.data_dir = os.path.join(self.workdir, 'data')
        os.makedirs(self.data_dir, exist_ok=True)
        self.settings = {
            'listeners': 'http://127.0.0.1:%d' % self.port,
            'journal': 'file',
            'data.dir': self.data_dir,
            'workers': '2',
            'table.size': '256M',
            # The suite's exact answers are Confluent 7.9's (the recordings);
            # test_api8.py and the client flows run the default, 8.
            'confluent.version': '7',
        }
        self.settings.update(settings or {})
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.proc = None
        self.config = os.path.join(self.workdir, 'schemad.properties')
        self.log_path = os.path.join(self.workdir, 'schemad.log')

    def write_config(self):
        with open(self.config, 'w') as f:
            for k, v in self.settings.items():
                f.write('%s=%s\n' % (k, v))

    def start(self, wait=True, timeout=60):
        self.write_config()
        self.log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen([schemad_bin(), '-c', self.config],
                                     stdout=self.log, stderr=self.log,
                                     env=self.env)
        RUNNING.append(self)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('schemad exited with %d:\n%s'
                                   % (self.proc.returncode, self.log_text()))
            try:
                st, _ = self.request('GET', '/health/ready', timeout=2)
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError('schemad not ready after %ss:\n%s'
                           % (timeout, self.log_text()))

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self in RUNNING:
            RUNNING.remove(self)
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        rc = self.proc.returncode
        self.proc = None
        text = self.log_text()
        for marker in ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:'):
            assert marker not in text, 'sanitizer report in %s:\n%s' % (self.log_path, text)
        return rc

    def restart(self):
        self.stop()
        return self.start()

    def log_text(self, tail=8000):
        try:
            with open(self.log_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')[-tail:]
        except OSError:
            return ''

    def worker_pids(self):
        out = subprocess.run(['pgrep', '-P', str(self.proc.pid)],
                             stdout=subprocess.PIPE, text=True)
        return sorted(int(p) for p in out.stdout.split())

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def request(self, method, path, body=None, ctype=CT, timeout=10, headers=None):
        c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout)
        try:
            headers = dict(headers or {})
            data = None
            if body is not None:
                data = body if isinstance(body, (bytes, str)) else json.dumps(body)
                headers['Content-Type'] = ctype
            c.request(method, path, body=data, headers=headers)
            r = c.getresponse()
            raw = r.read()
            try:
                return r.status, json.loads(raw)
            except ValueError:
                return r.status, raw.decode('utf-8', 'replace')
        finally:
            c.close()

    def get(self, path):
        return self.request('GET', path)

    def register(self, subject, schema, headers=None, **extra):
        body = {'schema': schema}
        body.update(extra)
        return self.request('POST', '/subjects/%s/versions' % subject, body, headers=headers)
