"""Both directions of sharing a `_schemas` topic: schemad takes over a topic
Karapace wrote (its SCHEMA value field order, its legacy key order, its
global config key with "subject":null), and what schemad writes for a
sequence of REST operations is, record by record and byte for byte, what
Confluent Schema Registry wrote for the same operations
(../shared/conformance/kafkastore/admin-records.json)."""

import difflib
import itertools
import json
import os

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from schemad_proc import Schemad
from topics import read_topic

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared')
_topics = itertools.count()
NOOP = b'{"keytype":"NOOP","magic":0}'


def new_topic(kafka):
    topic = '_schemas_takeover_%d_%d' % (os.getpid(), next(_topics))
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})])[
        topic].result(30)
    return topic


def on_kafka(kafka, workdir, topic):
    return Schemad(workdir, {
        'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
        'kafkastore.topic': topic, 'kafkastore.init.timeout.ms': '30000',
        'kafkastore.timeout.ms': '5000'})


def produce(kafka, topic, records):
    p = Producer({'bootstrap.servers': kafka.bootstrap})
    for k, v in records:
        p.produce(topic, key=k.encode(), value=v.encode() if v is not None else None)
    assert p.flush(30) == 0



def js(s):
    return json.dumps(s, separators=(',', ':'))


MONEY = js({'type': 'record', 'name': 'Money', 'namespace': 'k',
            'fields': [{'name': 'cents', 'type': 'long'}]})
MONEY2 = js({'type': 'record', 'name': 'Money', 'namespace': 'k',
             'fields': [{'name': 'cents', 'type': 'long'},
                        {'name': 'currency', 'type': 'string', 'default': 'EUR'}]})
ORDER = js({'type': 'record', 'name': 'Order', 'namespace': 'k',
            'fields': [{'name': 'price', 'type': 'k.Money'}]})
OBJ = js({'type': 'object'})


def karapace_schema(subject, version, sid, schema, deleted=False, references=None,
                    schema_type=None):
    """A SCHEMA value as Karapace writes it: deleted before references and schemaType."""
    v = '{"subject":%s,"version":%d,"id":%d,"schema":%s,"deleted":%s' % (
        js(subject), version, sid, js(schema), 'true' if deleted else 'false')
    if references:
        v += ',"references":' + js(references)
    if schema_type:
        v += ',"schemaType":' + js(schema_type)
    return v + '}'


def skey(subject, version):
    return '{"keytype":"SCHEMA","subject":%s,"version":%d,"magic":1}' % (js(subject), version)


KARAPACE_RECORDS = [
    (NOOP.decode(), None),
    ('{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"FULL"}'),
    (skey('k-avro', 1), karapace_schema('k-avro', 1, 1, MONEY)),
    (skey('k-avro', 2), karapace_schema('k-avro', 2, 2, MONEY2)),
    (skey('k-json', 1), karapace_schema('k-json', 1, 3, OBJ, schema_type='JSON')),
    (skey('k-ref', 1), karapace_schema(
        'k-ref', 1, 4, ORDER, references=[{'name': 'k.Money', 'subject': 'k-avro',
                                           'version': 1}])),
    ('{"keytype":"CONFIG","subject":"k-json","magic":0}', '{"compatibilityLevel":"NONE"}'),
    # A soft delete of a version: the same value with "deleted":true.
    (skey('k-avro', 2), karapace_schema('k-avro', 2, 2, MONEY2, deleted=True)),
    # Karapace's deprecated key format kept the properties in any order.
    ('{"subject":"k-old","version":1,"magic":1,"keytype":"SCHEMA"}',
     karapace_schema('k-old', 1, 5, '"string"')),
    (skey('k-gone', 1), karapace_schema('k-gone', 1, 6, '"int"')),
    ('{"keytype":"DELETE_SUBJECT","subject":"k-gone","magic":0}',
     '{"subject":"k-gone","version":1}'),
]


def test_takeover_of_a_topic_karapace_wrote(kafka, tmp_path):
    topic = new_topic(kafka)
    produce(kafka, topic, KARAPACE_RECORDS)
    d = on_kafka(kafka, tmp_path / 's', topic)
    d.start()
    try:
        assert d.get('/config') == (200, {'compatibilityLevel': 'FULL'})
        assert d.get('/config/k-json') == (200, {'compatibilityLevel': 'NONE'})
        assert d.get('/subjects') == (200, ['k-avro', 'k-json', 'k-old', 'k-ref'])
        assert d.get('/subjects/k-avro/versions') == (200, [1])
        assert d.get('/subjects/k-avro/versions?deleted=true') == (200, [1, 2])
        assert d.get('/schemas/ids/1') == (200, {'schema': MONEY})
        assert d.get('/schemas/ids/3') == (200, {'schemaType': 'JSON', 'schema': OBJ})
        st, body = d.get('/subjects/k-ref/versions/1')
        assert st == 200 and body['id'] == 4 and body['references'] == [
            {'name': 'k.Money', 'subject': 'k-avro', 'version': 1}]
        assert d.get('/subjects/k-old/versions/1')[1]['id'] == 5
        assert d.get('/subjects/k-gone/versions')[0] == 404
        # A known schema keeps its id; a new one goes above the highest seen.
        assert d.register('k-avro', MONEY) == (200, {'id': 1})
        assert d.register('k-new', '"long"') == (200, {'id': 7})
        # schemad's own writes, in Confluent's bytes, on top of Karapace's.
        assert d.request('PUT', '/config', {'compatibility': 'BACKWARD'})[0] == 200
        assert d.request('DELETE', '/subjects/k-json/versions/1') == (200, 1)
        assert d.stop() == 0
        # Replayed again: the later global config wins over Karapace's,
        # although the two keys differ byte-wise.
        d.start()
        assert d.get('/config') == (200, {'compatibilityLevel': 'BACKWARD'})
        assert d.get('/subjects') == (200, ['k-avro', 'k-new', 'k-old', 'k-ref'])
        assert d.get('/subjects/k-ref/versions/1')[1]['id'] == 4
    finally:
        d.stop()
    ours = [r for r in read_topic(kafka.bootstrap, topic)[len(KARAPACE_RECORDS):] if r[0] != NOOP]
    assert ours == [
        (skey('k-new', 1).encode(),
         b'{"subject":"k-new","version":1,"id":7,"schema":"\\"long\\"","deleted":false}'),
        (b'{"keytype":"CONFIG","magic":0}', b'{"compatibilityLevel":"BACKWARD"}'),
        (skey('k-json', 1).encode(),
         ('{"subject":"k-json","version":1,"id":3,"schemaType":"JSON","schema":%s,'
          '"deleted":true}' % js(OBJ)).encode()),
    ], ours


A = '{"type":"record","name":"A","fields":[]}'
B = '{"type":"record","name":"B","fields":[]}'
C = '{"type":"record","name":"C","fields":[]}'

# The REST operations behind admin-records.json, in order.
OPERATIONS = [
    ('PUT', '/config/t', {'compatibility': 'NONE'}),
    ('POST', '/subjects/t/versions', {'schema': A}),
    ('POST', '/subjects/t/versions', {'schema': B}),
    ('DELETE', '/subjects/t/versions/1', None),
    ('DELETE', '/subjects/t/versions/1?permanent=true', None),
    ('POST', '/subjects/d/versions', {'schema': A}),
    ('DELETE', '/subjects/d', None),
    ('DELETE', '/subjects/d?permanent=true', None),
    ('PUT', '/mode/r', {'mode': 'READONLY'}),
    ('DELETE', '/mode/r', None),
    ('PUT', '/mode/i', {'mode': 'IMPORT'}),
    ('POST', '/subjects/i/versions', {'schema': C, 'id': 42, 'version': 5}),
    ('POST', '/subjects/i/versions', {'schema': C, 'id': 43, 'version': 5}),
]


def test_records_are_what_confluent_wrote(kafka, tmp_path):
    with open(os.path.join(SHARED, 'conformance', 'kafkastore', 'admin-records.json')) as f:
        confluent = [(r['key'].encode(), r['value'].encode() if r['value'] is not None else None)
                     for r in json.load(f)]
    topic = new_topic(kafka)
    d = on_kafka(kafka, tmp_path / 's', topic)
    d.start()
    try:
        for method, path, body in OPERATIONS:
            st, answer = d.request(method, path, body)
            assert st == 200, (method, path, st, answer)
    finally:
        d.stop()
    ours = read_topic(kafka.bootstrap, topic)
    # Confluent writes a NOOP at start and one on becoming leader, to learn
    # the end offset; they carry no state.  The rest must match exactly.
    want = [r for r in confluent if r[0] != NOOP]
    got = [r for r in ours if r[0] != NOOP]
    if got != want:
        diff = difflib.unified_diff([repr(r) for r in want], [repr(r) for r in got],
                                    'confluent', 'schemad', lineterm='', n=1)
        raise AssertionError('records differ:\n' + '\n'.join(diff))
