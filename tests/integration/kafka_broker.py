"""A real Apache Kafka broker (KRaft, single node) for the integration tests.

    with KafkaBroker(tmp_path, sasl=True, ssl=True) as kb:
        kb.bootstrap        # PLAINTEXT, always
        kb.sasl_bootstrap   # SASL_PLAINTEXT + SCRAM-SHA-512, users from `users`
        kb.ssl_bootstrap    # SSL, server cert signed by kb.ca_file (PEM)

`extra` adds lines to server.properties (an authorizer, say).
The jars come from fetch_kafka.sh (Maven Central, cached); `version`
picks the Kafka release (default: fetch_kafka.sh's, 4.4.x).  Everything
listens on 127.0.0.1 on ports picked at run time.  restart() keeps the ports
and the log dir, for outage tests.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
READY_TIMEOUT = 60.0
STOP_GRACE = 15.0


def free_port():
    """A port nothing listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def kafka_libs(version=None):
    """The directory of Kafka's jars, fetched on first use."""
    cmd = ['sh', os.path.join(HERE, 'fetch_kafka.sh')]
    if version:
        cmd.append(version)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def _java():
    home = os.environ.get('JAVA_HOME')
    if home and os.path.exists(os.path.join(home, 'bin', 'java')):
        return os.path.join(home, 'bin', 'java')
    java = shutil.which('java')
    if not java:
        raise RuntimeError('java not found (set JAVA_HOME)')
    return java


def _openssl(*args, cwd):
    subprocess.run(['openssl', *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_tls_files(d):
    """A self-signed CA and a server cert for 127.0.0.1/localhost, in PEM.

    Returns (ca_file, keystore_file): the keystore holds the PKCS#8 key
    (unencrypted) followed by the certificate chain, as Kafka's PEM keystore
    expects.
    """
    os.makedirs(d, exist_ok=True)
    _openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30',
             '-keyout', 'ca.key', '-out', 'ca.pem',
             '-subj', '/CN=schemad-test-ca', cwd=d)
    _openssl('req', '-newkey', 'rsa:2048', '-nodes',
             '-keyout', 'server.key', '-out', 'server.csr',
             '-subj', '/CN=localhost', cwd=d)
    with open(os.path.join(d, 'san.ext'), 'w') as f:
        f.write('subjectAltName=IP:127.0.0.1,DNS:localhost\n'
                'extendedKeyUsage=serverAuth\n')
    _openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem',
             '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30',
             '-extfile', 'san.ext', '-out', 'server.pem', cwd=d)
    keystore = os.path.join(d, 'keystore.pem')
    with open(keystore, 'w') as out:
        for name in ('server.key', 'server.pem', 'ca.pem'):
            with open(os.path.join(d, name)) as f:
                out.write(f.read())
    make_pkcs12_files(d)
    return os.path.join(d, 'ca.pem'), keystore


P12_PASSWORD = 'p12-secret'


def make_pkcs12_files(d):
    """Beside make_tls_files' PEM files, the PKCS#12 stores Strimzi and
    Java tools hand out, both with password P12_PASSWORD: keystore.p12 (the
    server key, its certificate and the CA) and truststore.p12 (the CA
    alone)."""
    _openssl('pkcs12', '-export', '-inkey', 'server.key', '-in', 'server.pem',
             '-certfile', 'ca.pem', '-name', 'server', '-out', 'keystore.p12',
             '-passout', 'pass:' + P12_PASSWORD, cwd=d)
    _openssl('pkcs12', '-export', '-nokeys', '-in', 'ca.pem', '-out', 'truststore.p12',
             '-passout', 'pass:' + P12_PASSWORD, cwd=d)
    return os.path.join(d, 'keystore.p12'), os.path.join(d, 'truststore.p12')


class KafkaBroker:
    def __init__(self, workdir, sasl=False, ssl=False, users=None,
                 version=None, extra=None):
        # None: $SCHEMAD_KAFKA_VERSION, else fetch_kafka.sh's default (4.4).
        self.version = version or os.environ.get('SCHEMAD_KAFKA_VERSION')
        self.workdir = os.path.abspath(str(workdir))
        self.sasl = sasl
        self.ssl = ssl
        self.users = dict(users) if users is not None else {'user': 'user'}
        self.extra = list(extra or [])     # more server.properties lines
        self.proc = None
        self.ports = None
        self.ca_file = None
        self._keystore = None
        self._formatted = False
        self._logf = None
        self._libs = None

    # -- addresses ------------------------------------------------------

    @property
    def bootstrap(self):
        return '127.0.0.1:%d' % self.ports['plain']

    @property
    def sasl_bootstrap(self):
        return '127.0.0.1:%d' % self.ports['sasl'] if self.sasl else None

    @property
    def ssl_bootstrap(self):
        return '127.0.0.1:%d' % self.ports['ssl'] if self.ssl else None

    @property
    def log_file(self):
        return os.path.join(self.workdir, 'broker.log')

    # -- lifecycle ------------------------------------------------------

    def start(self):
        """Start (first time: pick ports, format storage) and wait until ready."""
        if self.proc is not None:
            return self
        os.makedirs(self.workdir, exist_ok=True)
        if self._libs is None:
            self._libs = kafka_libs(self.version)
        if self.ports is None:
            self.ports = {'plain': free_port(), 'controller': free_port()}
            if self.sasl:
                self.ports['sasl'] = free_port()
            if self.ssl:
                self.ports['ssl'] = free_port()
        if self.ssl and self.ca_file is None:
            self.ca_file, self._keystore = make_tls_files(
                os.path.join(self.workdir, 'tls'))
        props = self._write_properties()
        if not self._formatted:
            self._format(props)
            self._formatted = True
        self._logf = open(self.log_file, 'ab')
        self.proc = subprocess.Popen(
            [_java(), '-Xmx512m', '-Xms128m', '-XX:+UseSerialGC',
             '-Djava.awt.headless=true',
             '-Dlog4j2.configurationFile=' +
             os.path.join(HERE, 'kafka', 'log4j2.properties'),
             '-cp', os.path.join(self._libs, '*'), 'kafka.Kafka', props],
            stdin=subprocess.DEVNULL, stdout=self._logf,
            stderr=subprocess.STDOUT, cwd=self.workdir)
        try:
            self._wait_ready()
        except Exception:
            self.stop()
            raise
        return self

    def stop(self):
        """SIGTERM by pid, wait; SIGKILL after 15 s."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._logf is not None:
            self._logf.close()
            self._logf = None

    def wait_group_coordinator(self, timeout=60.0):
        """Until the broker answers an offset fetch for a group: the first
        FindCoordinator creates __consumer_offsets, and a consumer coming
        before it is loaded fails (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS)
        where a client's own tests expect a broker long up."""
        from confluent_kafka import Consumer, KafkaException, TopicPartition
        c = Consumer({'bootstrap.servers': self.bootstrap,
                      'group.id': 'schemad-test-warm-up', 'log_level': 0,
                      'logger': _Silent()})
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    c.committed([TopicPartition('schemad-test-warm-up', 0)],
                                timeout=5)
                    return
                except KafkaException:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
        finally:
            c.close()

    def restart(self):
        """Stop and start again on the same ports and log dir."""
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- helpers --------------------------------------------------------

    def client_config(self, listener='plain', username=None, password=None):
        """confluent_kafka settings for one of the listeners."""
        if listener == 'plain':
            return {'bootstrap.servers': self.bootstrap}
        if listener == 'sasl':
            if username is None:
                username, password = next(iter(self.users.items()))
            return {'bootstrap.servers': self.sasl_bootstrap,
                    'security.protocol': 'SASL_PLAINTEXT',
                    'sasl.mechanisms': 'SCRAM-SHA-512',
                    'sasl.username': username,
                    'sasl.password': password}
        if listener == 'ssl':
            return {'bootstrap.servers': self.ssl_bootstrap,
                    'security.protocol': 'SSL',
                    'ssl.ca.location': self.ca_file}
        raise ValueError(listener)

    def log_tail(self, n=40):
        try:
            with open(self.log_file, errors='replace') as f:
                return ''.join(f.readlines()[-n:])
        except OSError:
            return ''

    def _write_properties(self):
        p = self.ports
        listeners = ['PLAINTEXT://127.0.0.1:%d' % p['plain']]
        pmap = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT']
        if self.sasl:
            listeners.append('SASL_PLAINTEXT://127.0.0.1:%d' % p['sasl'])
            pmap.append('SASL_PLAINTEXT:SASL_PLAINTEXT')
        if self.ssl:
            listeners.append('SSL://127.0.0.1:%d' % p['ssl'])
            pmap.append('SSL:SSL')
        lines = [
            'process.roles=broker,controller',
            'node.id=1',
            'controller.quorum.bootstrap.servers=127.0.0.1:%d' % p['controller'],
            'controller.listener.names=CONTROLLER',
            'listeners=%s' % ','.join(
                listeners + ['CONTROLLER://127.0.0.1:%d' % p['controller']]),
            'advertised.listeners=%s' % ','.join(listeners),
            'listener.security.protocol.map=%s' % ','.join(pmap),
            'inter.broker.listener.name=PLAINTEXT',
            'log.dirs=%s' % os.path.join(self.workdir, 'data'),
            'num.partitions=1',
            'default.replication.factor=1',
            'offsets.topic.replication.factor=1',
            'offsets.topic.num.partitions=1',
            'transaction.state.log.replication.factor=1',
            'transaction.state.log.min.isr=1',
            'share.coordinator.state.topic.replication.factor=1',
            'share.coordinator.state.topic.min.isr=1',
            'group.initial.rebalance.delay.ms=0',
            'auto.create.topics.enable=true',
        ]
        if self.sasl:
            lines += [
                'sasl.enabled.mechanisms=SCRAM-SHA-512',
                'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config='
                'org.apache.kafka.common.security.scram.ScramLoginModule required;',
            ]
        if self.ssl:
            lines += [
                'listener.name.ssl.ssl.keystore.type=PEM',
                'listener.name.ssl.ssl.keystore.location=%s' % self._keystore,
                'listener.name.ssl.ssl.truststore.type=PEM',
                'listener.name.ssl.ssl.truststore.location=%s' % self.ca_file,
                'listener.name.ssl.ssl.client.auth=none',
            ]
        lines += self.extra
        path = os.path.join(self.workdir, 'server.properties')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    def _format(self, props):
        cp = os.path.join(self._libs, '*')
        java = _java()
        cluster = subprocess.run(
            [java, '-cp', cp, 'kafka.tools.StorageTool', 'random-uuid'],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True).stdout.strip().splitlines()[-1]
        cmd = [java, '-Xmx256m', '-cp', cp, 'kafka.tools.StorageTool',
               'format', '-t', cluster, '-c', props, '--standalone']
        if self.sasl:
            for name, pw in self.users.items():
                cmd += ['--add-scram',
                        'SCRAM-SHA-512=[name=%s,password=%s]' % (name, pw)]
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError('kafka storage format failed:\n' + r.stdout)

    def _wait_ready(self):
        """Poll a metadata request on the PLAINTEXT listener, ~60 s at most."""
        from confluent_kafka.admin import AdminClient
        deadline = time.monotonic() + READY_TIMEOUT
        admin = AdminClient({'bootstrap.servers': self.bootstrap,
                             'log_level': 0,
                             'logger': _Silent()})
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError('kafka broker exited with %d:\n%s'
                                   % (self.proc.returncode, self.log_tail()))
            try:
                md = admin.list_topics(timeout=2)
                if md.brokers:
                    return
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError('kafka broker not ready after %d s:\n%s'
                                   % (READY_TIMEOUT, self.log_tail()))
            time.sleep(0.3)


class _Silent:
    """A logging.Logger stand-in that drops librdkafka's connect-refused noise."""

    def log(self, *args, **kwargs):
        pass
