"""confluent-kafka-javascript's own schemaregistry e2e tests (jest: the
client, the Avro and JSON Schema serializers) against the real schemad and
a real Kafka broker, through tests/clients/run_ckjs.sh. Their files come
from a mirror at run time; without one (or without node) this is skipped.

It runs in the default dialect (confluent.version=8) but for two client
tests, run in dialect 7: their suite is written against Confluent Platform
7.6.0 (their docker-compose), and those two expect 7.x's answers where 8.3
answers otherwise: GET /schemas/ids/{id}?subject= carries
subject, version, guid and schemaType (8.3's SchemaString(Schema)), and
GET /subjects/{s}/versions/{v} carries deleted:false and schemaType AVRO
(8.3's Schema entity, NON_EMPTY) -- both asserted in test_api8.py."""

import json
import os
import shutil
import subprocess

import pytest

from schemad_proc import Schemad

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, '..', 'clients', 'run_ckjs.sh')


def run_ckjs(tmp_path, schemad, kafka, args=()):
    """Their e2e suite through run_ckjs.sh; returns {file: [passed,
    failed]} from jest's JSON report."""
    if shutil.which('node') is None:
        pytest.skip('no node')
    report = str(tmp_path / ('jest%d.json' % len(os.listdir(str(tmp_path)))))
    env = dict(os.environ, CKJS_SR_URL=schemad.url,
               CKJS_BOOTSTRAP=kafka.bootstrap, CKJS_TIMEOUT='240')
    r = subprocess.run(['sh', RUN, '--json', '--outputFile=' + report]
                       + list(args), env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=900)
    out = r.stdout.decode(errors='replace')
    with open(report + '.log', 'w') as f:
        f.write(out)
    if r.returncode == 77:
        pytest.skip('no confluent-kafka-javascript mirror')
    assert os.path.exists(report), out[-5000:]
    with open(report) as f:
        res = json.load(f)
    counts = {}
    failed = []
    for suite in res['testResults']:
        name = os.path.basename(suite['name'])
        c = counts.setdefault(name, [0, 0])
        for t in suite['assertionResults']:
            if t['status'] == 'passed':
                c[0] += 1
            elif t['status'] == 'failed':
                c[1] += 1
                failed.append('%s: %s' % (name, t['fullName']))
    for name, (p, fl) in sorted(counts.items()):
        print('ckjs %s: %d passed, %d failed' % (name, p, fl))
    assert r.returncode == 0 and not failed, '\n'.join(failed) or out[-5000:]
    return counts


# Their two client tests whose expectations are CP 7.6's answers.
DIALECT_7_ONLY = ('Should register, retrieve, and delete a schema',
                  'Should get schema metadata')


def run_in_dialect(tmp_path, kafka, dialect, name_pattern):
    d = Schemad(tmp_path / ('schemad' + dialect),
                {'confluent.version': dialect})
    d.start()
    try:
        return run_ckjs(tmp_path, d, kafka, ['-t', name_pattern])
    finally:
        d.stop()


def test_confluent_kafka_javascript_e2e(kafka, tmp_path):
    kafka.wait_group_coordinator()
    only7 = '(%s)' % '|'.join(DIALECT_7_ONLY)
    counts = run_in_dialect(tmp_path, kafka, '8', '^(?!.*%s).*$' % only7)
    assert sum(c[0] for c in counts.values()) >= 20
    counts = run_in_dialect(tmp_path, kafka, '7', only7)
    assert sum(c[0] for c in counts.values()) == len(DIALECT_7_ONLY)
