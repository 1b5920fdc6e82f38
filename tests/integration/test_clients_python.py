"""confluent-kafka-python's own schema-registry integration tests
(tests/integration/schema_registry/_sync and _async: the API client, the
Avro, JSON Schema and Protobuf serializers) against the real schemad and a
real Kafka broker, through our shim (tests/clients/run_ckp.sh,
ckp_conftest.py). Their files come from a mirror at run time; without one
this test is skipped.

In the default dialect (confluent.version=8) one of their tests is run in
dialect 7 instead: test_api_register_schema_incompatible expects error_code
409, Confluent 7.x's answer (their suite pins CP 7.6.0); 8.3 answers 40901
(Errors.INCOMPATIBLE_SCHEMA_ERROR_CODE), and so does schemad under 8.
The Protobuf serializer tests run once schemad lists PROTOBUF in
/schemas/types."""

import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, '..', 'clients', 'run_ckp.sh')
SR_DIR = 'tests/integration/schema_registry'
DIALECT_7_ONLY = 'test_api_register_schema_incompatible'


def run_ckp(tmp_path, name, dialect, args):
    """Their suite through run_ckp.sh; returns {file: [passed, failed,
    skipped]} from pytest's JUnit report, or skips without a mirror."""
    xml = str(tmp_path / (name + '.xml'))
    env = dict(os.environ, CKP_CONFLUENT_VERSION=dialect, CKP_TIMEOUT='240',
               SCHEMAD_SRCDIR=os.path.join(HERE, '..', '..'))
    r = subprocess.run(['sh', RUN, '-q', '-p', 'no:randomly',
                        '--junitxml=' + xml] + args,
                       env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode(errors='replace')
    with open(str(tmp_path / (name + '.log')), 'w') as f:
        f.write(out)
    if r.returncode == 77:
        pytest.skip('no confluent-kafka-python mirror')
    counts = {}
    for case in ET.parse(xml).getroot().iter('testcase'):
        f = counts.setdefault(case.get('classname'), [0, 0, 0])
        if case.find('failure') is not None or case.find('error') is not None:
            f[1] += 1
        elif case.find('skipped') is not None:
            f[2] += 1
        else:
            f[0] += 1
    for f, (p, fl, s) in sorted(counts.items()):
        print('ckp %s (dialect %s): %d passed, %d failed, %d skipped'
              % (f, dialect, p, fl, s))
    failed = [l for l in out.splitlines() if l.startswith(('FAILED', 'ERROR'))]
    assert r.returncode == 0, '\n'.join(failed) or out[-5000:]
    return counts


def speaks_protobuf(schemad):
    """Whether this schemad registers a Protobuf schema (/schemas/types
    lists PROTOBUF either way, as Confluent's does)."""
    st, _ = schemad.request('POST', '/subjects/probe/versions', {
        'schemaType': 'PROTOBUF',
        'schema': 'syntax = "proto3";\nmessage M { string s = 1; }\n'})
    return st == 200


def test_confluent_kafka_python_suite(schemad, tmp_path):
    args = [SR_DIR, '-k', 'not ' + DIALECT_7_ONLY]
    if not speaks_protobuf(schemad):
        args += ['--ignore=%s/%s/test_proto_serializers.py' % (SR_DIR, d)
                 for d in ('_sync', '_async')]
    counts = run_ckp(tmp_path, 'v8', '8', args)
    assert sum(c[0] for c in counts.values()) >= 80
    counts = run_ckp(tmp_path, 'v7', '7', [SR_DIR, '-k', DIALECT_7_ONLY])
    assert sum(c[0] for c in counts.values()) == 2
