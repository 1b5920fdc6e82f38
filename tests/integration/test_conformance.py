"""Replays ../shared/conformance (what Confluent Schema Registry 7.9 answered)
against the real daemon: on the file journal and on Kafka, fresh and with
the daemon restarted between every two scenarios.  Prints the runner's
counts; fails if fewer steps match than tests/conformance/baseline.json
records (the floor only rises as the API gets closer to Confluent's)."""

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from schemad_proc import Schemad, schemad_bin

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, '..', 'conformance', 'run_conformance.py')
BASELINE = os.path.join(HERE, '..', 'conformance', 'baseline.json')

# The recordings are Confluent 7.9's answers.
DIALECT7 = {'confluent.version': '7'}


def baseline(key):
    with open(BASELINE) as f:
        return json.load(f)[key]


def restart_cmd(d):
    """A shell command that stops the daemon by its pid and starts it again,
    recording the new pid where the test will find it."""
    pidfile = os.path.join(d.workdir, 'pid')
    with open(pidfile, 'w') as f:
        f.write(str(d.proc.pid))
    q = shlex.quote
    # The first daemon is pytest's child: once it exits it stays a zombie
    # until reaped, so wait for its state, not for its pid to vanish.
    return ('p=$(cat {pf}); kill -TERM $p; '
            'while [ -e /proc/$p ] && ! grep -q "^State:.*Z" /proc/$p/status; do sleep 0.02; done; '
            '{bin} -c {cfg} >>{log} 2>&1 </dev/null & echo $! > {pf}'
            ).format(pf=q(pidfile), bin=q(schemad_bin()), cfg=q(d.config), log=q(d.log_path))


def protobuf_scenarios():
    """The recorded scenarios that use Protobuf (by their requests)."""
    here = os.environ.get('SCHEMAD_SRCDIR') or os.path.join(HERE, '..', '..')
    with open(os.path.join(here, '..', 'shared', 'conformance', 'scenarios.json')) as f:
        return [sc['name'] for sc in json.load(f) if '"PROTOBUF"' in json.dumps(sc)]


def run(d, selection, restarts, report):
    args = [sys.executable, RUNNER, '--url', d.url, '--no-fail', '--report', report]
    args += ['--all'] if selection == 'all' else []
    args += ['--scenario'] + protobuf_scenarios() if selection == 'protobuf' else []
    if restarts:
        args += ['--between-cmd', restart_cmd(d)]
    out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=1200)
    print(out.stdout[-3000:])
    m = re.search(r'^(\d+) passed, (\d+) failed$', out.stdout, re.M)
    assert m, out.stdout[-2000:]
    return int(m.group(1)), int(m.group(2))


def stop(d, restarts):
    if restarts:
        # The last daemon was started by the restart command, not by us.
        with open(os.path.join(d.workdir, 'pid')) as f:
            pid = int(f.read())
        os.kill(pid, 15)
        d.proc.wait(30) if d.proc else None
        subprocess.run(['sh', '-c', 'while [ -e /proc/%d ] && ! grep -q "^State:.*Z" '
                        '/proc/%d/status; do sleep 0.05; done' % (pid, pid)], timeout=30)
        d.proc = None
        return
    assert d.stop() == 0


@pytest.mark.parametrize('restarts', [False, True], ids=['fresh', 'restarts'])
def test_conformance_file_journal(tmp_path, restarts):
    d = Schemad(tmp_path / 'd', DIALECT7)
    d.start()
    try:
        passed, failed = run(d, 'avro', restarts, str(tmp_path / 'report.txt'))
    finally:
        stop(d, restarts)
    print('conformance (Avro, file journal%s): %d passed, %d failed'
          % (', restarts' if restarts else '', passed, failed))
    assert passed >= baseline('avro')


@pytest.mark.parametrize('restarts', [False, True], ids=['fresh', 'restarts'])
def test_conformance_kafka_journal(tmp_path, kafka, restarts):
    d = Schemad(tmp_path / 'd', dict(DIALECT7, **{
        'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
        'kafkastore.topic': '_schemas_conformance_%d_%d' % (os.getpid(), int(restarts)),
        'kafkastore.timeout.ms': '5000'}))
    d.start()
    try:
        passed, failed = run(d, 'avro', restarts, str(tmp_path / 'report.txt'))
    finally:
        stop(d, restarts)
    print('conformance (Avro, Kafka journal%s): %d passed, %d failed'
          % (', restarts' if restarts else '', passed, failed))
    assert passed >= baseline('avro')


@pytest.mark.parametrize('restarts', [False, True], ids=['fresh', 'restarts'])
def test_conformance_protobuf(tmp_path, restarts):
    """The scenarios that use Protobuf, on the file journal, fresh and with
    a restart between every two (the stored text is read back from the
    journal, the serialized form rebuilt from it)."""
    d = Schemad(tmp_path / 'd', DIALECT7)
    d.start()
    try:
        passed, failed = run(d, 'protobuf', restarts, str(tmp_path / 'report.txt'))
    finally:
        stop(d, restarts)
    print('conformance (Protobuf, file journal%s): %d passed, %d failed'
          % (', restarts' if restarts else '', passed, failed))
    assert passed >= baseline('protobuf')


def test_conformance_protobuf_kafka_journal(tmp_path, kafka):
    d = Schemad(tmp_path / 'd', dict(DIALECT7, **{
        'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
        'kafkastore.topic': '_schemas_conformance_proto_%d' % os.getpid(),
        'kafkastore.timeout.ms': '5000'}))
    d.start()
    try:
        passed, failed = run(d, 'protobuf', False, str(tmp_path / 'report.txt'))
    finally:
        stop(d, False)
    print('conformance (Protobuf, Kafka journal): %d passed, %d failed' % (passed, failed))
    assert passed >= baseline('protobuf')


def test_conformance_all_types(tmp_path):
    """Every type, counted against the floor."""
    d = Schemad(tmp_path / 'd', DIALECT7)
    d.start()
    try:
        passed, failed = run(d, 'all', False, str(tmp_path / 'report.txt'))
    finally:
        assert d.stop() == 0
    print('conformance (all 62 scenarios): %d passed, %d failed' % (passed, failed))
    assert passed >= baseline('all')
