"""Confluent 8.x's answers under confluent.version=8 (the default), each
checked against the shape Confluent 8.3's resources and entities give, and
under confluent.version=7 the same requests answered as 7.9 did."""

import hashlib
import json
import os
import struct
import time
import uuid

import pytest

from schemad_proc import Schemad, avro_record
from test_daemon import _assert_table_equals_master
from topics import read_topic

USER = avro_record('User', [('id', 'int'), ('name', 'string')], namespace='ex')
GUID_LEN = 36


def d8(tmp_path, **settings):
    s = {'confluent.version': '8'}
    s.update(settings)
    d = Schemad(tmp_path / 'd8', s)
    d.start()
    return d


@pytest.fixture
def v8(tmp_path):
    d = d8(tmp_path)
    yield d
    d.stop()


@pytest.fixture
def v7(tmp_path):
    d = Schemad(tmp_path / 'd7', {'confluent.version': '7'})
    d.start()
    yield d
    d.stop()


def guid_of(schema, refs=()):
    """Confluent's Schema.updateHash for a schema with references only."""
    md = hashlib.md5(schema.encode())
    for r in refs:
        md.update(r['name'].encode() + r['subject'].encode() + struct.pack('>i', r['version']))
    return str(uuid.UUID(bytes=md.digest()))


def raw(d, method, path, body=None):
    """Status and the body's bytes (key order matters here)."""
    import http.client
    c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=10)
    headers = {}
    if body is not None:
        body = json.dumps(body)
        headers['Content-Type'] = 'application/vnd.schemaregistry.v1+json'
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    out = r.status, r.read()
    c.close()
    return out


def keys(body):
    """The top-level object's keys, in the order written."""
    return json.loads(body, object_pairs_hook=lambda kv: [k for k, _ in kv])


def test_registration_answers_the_whole_schema(v8):
    st, body = raw(v8, 'POST', '/subjects/u/versions', {'schema': USER})
    assert st == 200
    got = json.loads(body)
    assert keys(body) == ['id', 'version', 'guid', 'schemaType', 'schema']
    assert (got['id'], got['version'], got['schemaType']) == (1, 1, 'AVRO')
    assert got['guid'] == guid_of(got['schema'])
    # A re-registration (the workers' table) and one the master plans
    # (an ignored parameter sends it there) answer the same bytes.
    again = raw(v8, 'POST', '/subjects/u/versions', {'schema': USER})
    master = raw(v8, 'POST', '/subjects/u/versions?unknownParameter=1', {'schema': USER})
    assert again == (200, body) == master
    # Another subject, same schema: the same id and GUID, its own version.
    st, other = v8.register('v', USER)
    assert (st, other['id'], other['version'], other['guid']) == (200, 1, 1, got['guid'])


def test_schema_answers_carry_the_guid(v8):
    st, reg = v8.register('u', USER)
    guid = reg['guid']
    st, body = raw(v8, 'GET', '/subjects/u/versions/1')
    assert st == 200
    assert keys(body) == ['subject', 'version', 'id', 'guid', 'schemaType', 'schema', 'deleted']
    assert json.loads(body)['deleted'] is False and json.loads(body)['guid'] == guid
    # SchemaString (8.3's RestApiTest: getDeleted() is false, not null).
    st, body = raw(v8, 'GET', '/schemas/ids/1')
    assert keys(body) == ['guid', 'schemaType', 'schema', 'deleted']
    st, body = raw(v8, 'GET', '/schemas/ids/1?subject=u')
    assert keys(body) == ['subject', 'version', 'guid', 'schemaType', 'schema', 'deleted']
    assert json.loads(body)['subject'] == 'u' and json.loads(body)['version'] == 1
    # The lookup answers with a copy of the request: neither ts nor deleted.
    st, body = raw(v8, 'POST', '/subjects/u', {'schema': USER})
    assert st == 200 and json.loads(body)['guid'] == guid
    assert keys(body) == ['subject', 'version', 'id', 'guid', 'schemaType', 'schema']
    assert raw(v8, 'POST', '/subjects/u?unknownParameter=1', {'schema': USER}) == (st, body)
    st, lst = v8.get('/schemas')
    assert st == 200 and lst[0]['guid'] == guid
    # Soft-deleted: only asked for, and marked.
    v8.request('DELETE', '/subjects/u/versions/1')
    st, body = v8.get('/subjects/u/versions/1?deleted=true')
    assert st == 200 and body['deleted'] is True


def test_references_metadata_and_rules_in_the_guid(v8):
    st, a = v8.register('a', avro_record('A', [('x', 'int')], namespace='ex'))
    refs = [{'name': 'ex.A', 'subject': 'a', 'version': 1}]
    b = avro_record('B', [('a', 'ex.A')], namespace='ex')
    st, body = raw(v8, 'POST', '/subjects/b/versions', {'schema': b, 'references': refs})
    assert st == 200, body
    got = json.loads(body)
    assert keys(body) == ['id', 'version', 'guid', 'schemaType', 'references', 'schema']
    assert got['guid'] == guid_of(got['schema'], refs)
    md = {'properties': {'owner': 'x', 'a': 'b'}}
    st, c = v8.register('c', '"string"', metadata=md)
    assert st == 200, c
    want = hashlib.md5(b'"string"' + b'\x01' + b'ab' + b'ownerx').digest()
    assert c['guid'] == str(uuid.UUID(bytes=want))
    assert v8.get('/schemas/guids/' + c['guid'])[1]['metadata']['properties']['owner'] == 'x'


def test_schemas_by_guid(v8):
    st, reg = v8.register('u', USER)
    guid = reg['guid']
    st, body = raw(v8, 'GET', '/schemas/guids/' + guid)
    assert st == 200 and keys(body) == ['guid', 'schemaType', 'schema', 'deleted']
    assert json.loads(body)['schema'] == reg['schema']
    # Served from the table: the master answers the same bytes.
    _assert_table_equals_master(v8, '/schemas/guids/' + guid)
    assert v8.get('/schemas/guids/' + guid.upper())[0] == 200
    assert v8.get('/schemas/guids/' + guid.replace('-', ''))[0] == 200
    assert v8.get('/schemas/guids/%s/ids' % guid) == (200, [{'context': '.', 'id': 1}])
    missing = '00000000-0000-0000-0000-000000000000'
    assert v8.get('/schemas/guids/' + missing) == (
        404, {'error_code': 40403, 'message': 'Schema %s not found' % missing})
    assert v8.get('/schemas/guids/%s/ids' % missing) == (200, [])
    # Gone with its last version.
    v8.request('DELETE', '/subjects/u')
    v8.request('DELETE', '/subjects/u?permanent=true')
    assert v8.get('/schemas/guids/' + guid)[0] == 404


def test_associations_and_unknown_routes(v8):
    path = '/associations/resources/lkc-1/orders?resourceType=topic&associationType=value'
    assert v8.get(path) == (200, [])
    assert v8.get('/associations/resources/r-1') == (200, [])
    assert v8.get('/associations/subjects/orders-value') == (200, [])
    assert v8.get('/nope/at/all') == (404, {'error_code': 404, 'message': 'HTTP 404 Not Found'})
    assert v8.get('/v1/metadata/deployment') == (200, {'attributes': []})
    assert v8.get('/v1/metadata/version')[1]['version'] == '8.3.0'


def test_incompatible_is_40901(v8):
    v8.register('u', USER)
    st, body = v8.register('u', '"string"')
    assert st == 409 and body['error_code'] == 40901


def test_table_answers_equal_the_masters_in_dialect_8(v8):
    v8.request('PUT', '/config', {'compatibility': 'NONE'})
    for i in range(4):
        v8.register('s%d' % (i % 2), avro_record('R%d' % i, [('f', 'int')]))
    v8.request('DELETE', '/subjects/s1/versions/1')
    st, reg = v8.register('t', '"string"')
    for p in ['/schemas', '/schemas/ids/1', '/schemas/ids/3', '/subjects/s0/versions/latest',
              '/subjects/s1/versions/2', '/subjects/s0/versions/1',
              '/schemas/guids/' + reg['guid']]:
        assert _assert_table_equals_master(v8, p) == 200, p


def journal_records(d):
    """(key, value) of every record in a file journal."""
    with open(os.path.join(d.data_dir, 'schemas.journal'), 'rb') as f:
        data = f.read()
    out, pos = [], 16
    while pos + 12 <= len(data):
        klen, vlen, _ = struct.unpack_from('<III', data, pos)
        pos += 12
        key = data[pos:pos + klen]
        pos += klen
        val = None
        if vlen != 0xFFFFFFFF:
            val = data[pos:pos + vlen]
            pos += vlen
        out.append((key, val))
    return out


def test_records_are_what_each_version_writes(tmp_path):
    want = {'8': b'{"subject":"u","version":1,"id":1,"schemaType":"AVRO","schema":',
            '7': b'{"subject":"u","version":1,"id":1,"schema":'}
    for ver, head in want.items():
        d = Schemad(tmp_path / ver, {'confluent.version': ver})
        d.start()
        try:
            assert d.register('u', '"string"')[0] == 200
            assert d.request('DELETE', '/subjects/u/versions/1')[0] == 200
        finally:
            d.stop()
        vals = [v for k, v in journal_records(d) if b'"SCHEMA"' in k]
        assert vals[0].startswith(head), vals
        assert vals[1].startswith(head) and vals[1].endswith(b'"deleted":true}'), vals


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_assoc_records_are_kept(tmp_path):
    """An ASSOC record (Confluent 8 writes them for associations) is kept
    and answered, and dropped by its tombstone."""
    d = Schemad(tmp_path / 'a', {'confluent.version': '8'})
    key = (b'{"keytype":"ASSOC","tenant":"default","resourceName":"orders",'
           b'"resourceNamespace":"lkc-1","resourceType":"topic","associationType":"value",'
           b'"subject":"orders-value","magic":0}')
    val = (b'{"guid":"g1","tenant":"default","resourceName":"orders",'
           b'"resourceNamespace":"lkc-1","resourceId":"r-1","resourceType":"topic",'
           b'"associationType":"value","subject":"orders-value","lifecycle":"STRONG",'
           b'"frozen":false,"createTs":1}')

    def record(k, v):
        lens = struct.pack('<II', len(k), len(v) if v is not None else 0xFFFFFFFF)
        return lens + struct.pack('<I', crc32c(lens + k + (v or b''))) + k + (v or b'')
    os.makedirs(d.data_dir, exist_ok=True)
    with open(os.path.join(d.data_dir, 'schemas.journal'), 'wb') as f:
        f.write(b'SCHEMADJ' + struct.pack('<II', 1, 0) + record(key, val))
    d.start()
    try:
        want = [{'subject': 'orders-value', 'guid': 'g1', 'resourceName': 'orders',
                 'resourceNamespace': 'lkc-1', 'resourceId': 'r-1', 'resourceType': 'topic',
                 'associationType': 'value', 'lifecycle': 'STRONG', 'frozen': False}]
        p = '/associations/resources/lkc-1/orders?resourceType=topic&associationType=value'
        assert d.get(p) == (200, want)
        assert d.get(p.replace('=value', '=key')) == (200, [])
        assert d.get('/associations/resources/r-1') == (200, want)
        assert d.get('/associations/subjects/orders-value') == (200, want)
    finally:
        d.stop()
    with open(os.path.join(d.data_dir, 'schemas.journal'), 'ab') as f:
        f.write(record(key, None))
    d.start()
    try:
        assert d.get('/associations/subjects/orders-value') == (200, [])
    finally:
        d.stop()


def test_dialect_7_is_unchanged(v7):
    st, body = raw(v7, 'POST', '/subjects/u/versions', {'schema': USER})
    assert (st, body) == (200, b'{"id":1}')
    st, body = raw(v7, 'GET', '/subjects/u/versions/1')
    assert keys(body) == ['subject', 'version', 'id', 'schema']
    st, body = raw(v7, 'GET', '/schemas/ids/1?subject=u')
    assert keys(body) == ['schema']
    for p in ('/schemas/guids/00000000-0000-0000-0000-000000000000',
              '/associations/resources/lkc-1/orders', '/v1/metadata/deployment'):
        assert v7.get(p) == (404, {'error_code': 404, 'message': 'HTTP 404 Not Found'}), p
    st, body = v7.register('u', '"string"')
    assert st == 409 and body['error_code'] == 409
    assert v7.get('/v1/metadata/version')[1]['version'] == '7.9.0'


def test_dialect_is_fixed_until_restart(tmp_path):
    import signal
    import time
    d = d8(tmp_path)
    try:
        d.settings['confluent.version'] = '7'
        d.write_config()
        os.kill(d.proc.pid, signal.SIGHUP)
        time.sleep(1)
        assert d.get('/v1/metadata/version')[1]['version'] == '8.3.0'
        with open(d.log_path) as f:
            assert 'confluent.version changes only with a restart' in f.read()
    finally:
        d.stop()


def test_config_fields_of_8(v8, v7):
    body = {'compatibility': 'FULL', 'validateNewSchemas': 'true', 'aliasForDeks': 'k',
            'compatibilityPolicy': 'lenient'}
    st, echo = v8.request('PUT', '/config/s', body)
    assert st == 200 and echo['validateNewSchemas'] is True
    st, body8 = raw(v8, 'GET', '/config/s')
    assert keys(body8) == ['aliasForDeks', 'validateNewSchemas', 'compatibilityLevel',
                           'compatibilityPolicy']
    assert json.loads(body8)['compatibilityPolicy'] == 'LENIENT'
    # 7.9 ignores them.
    v7.request('PUT', '/config/s', body)
    assert v7.get('/config/s') == (200, {'compatibilityLevel': 'FULL'})


def test_delete_global_mode(v8, v7):
    assert v8.request('PUT', '/mode', {'mode': 'READONLY'}) == (200, {'mode': 'READONLY'})
    assert v8.request('DELETE', '/mode') == (200, {'mode': 'READONLY'})
    assert v8.get('/mode') == (200, {'mode': 'READWRITE'})
    assert v8.request('DELETE', '/mode') == (200, {'mode': 'READWRITE'})
    assert v8.request('PUT', '/mode', {'mode': 'FORWARD'}) == (200, {'mode': 'FORWARD'})
    assert v7.request('DELETE', '/mode') == (
        405, {'error_code': 405, 'message': 'HTTP 405 Method Not Allowed'})


def test_pagination_of_8(v8, v7):
    for d in (v8, v7):
        d.request('PUT', '/config', {'compatibility': 'NONE'})
        for i in range(4):
            d.register('p', avro_record('P%d' % i, [('f', 'int')]))
    assert v8.get('/subjects/p/versions?offset=1&limit=2') == (200, [2, 3])
    assert v8.get('/subjects/p/versions?offset=3') == (200, [4])
    assert v8.get('/subjects/p/versions?limit=-1') == (200, [1, 2, 3, 4])
    assert v8.get('/subjects/p/versions?offset=x')[0] == 404
    assert v7.get('/subjects/p/versions?offset=1&limit=2') == (200, [1, 2, 3, 4])


def raw_response(d, method, path):
    """Status, headers and body bytes of one request."""
    import http.client
    c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=10)
    c.request(method, path)
    r = c.getresponse()
    out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    c.close()
    return out


def test_delete_context(v8, v7, tmp_path):
    """ContextsResource.deleteContext (8.3): the path is normalized as a
    qualified subject; a context with subjects, soft-deleted versions
    included, is 42211 under 422 naming the normalized context; otherwise
    its CONTEXT key is tombstoned (it leaves GET /contexts) and the answer
    is 204 without a body.  7.9 has no such path."""
    v8.register(':.ctx:a', '"string"')
    v8.register(':.other:b', '"int"')
    assert v8.get('/contexts')[1] == ['.', '.ctx', '.other']
    busy = {'error_code': 42211, 'message': "The specified context ':.ctx:' is not empty."}
    assert v8.request('DELETE', '/contexts/:.ctx:') == (422, busy)
    # Without its closing colon the name is spelled back with it.
    assert v8.request('DELETE', '/contexts/:.ctx') == (422, busy)
    # Soft-deleted versions still count; only a permanent delete empties it.
    assert v8.request('DELETE', '/subjects/:.ctx:a')[0] == 200
    assert v8.request('DELETE', '/contexts/:.ctx:') == (422, busy)
    assert v8.request('DELETE', '/subjects/:.ctx:a?permanent=true')[0] == 200
    st, headers, body = raw_response(v8, 'DELETE', '/contexts/:.ctx:')
    assert (st, body) == (204, b'') and 'content-type' not in headers
    assert v8.get('/contexts')[1] == ['.', '.other']
    # Deleting it again (or a context never created) is the same 204.
    assert raw_response(v8, 'DELETE', '/contexts/:.never:')[0] == 204
    # The default context: ":.:" names it, with its subjects.
    v8.register('plain', '"long"')
    assert v8.request('DELETE', '/contexts/:.:') == (
        422, {'error_code': 42211, 'message': "The specified context '' is not empty."})
    # ".__GLOBAL" holds every subject.
    assert v8.request('DELETE', '/contexts/:.__GLOBAL:')[0] == 422
    # A bare name is a subject of the default context: only that subject counts.
    assert v8.request('DELETE', '/contexts/plain') == (
        422, {'error_code': 42211, 'message': "The specified context 'plain' is not empty."})
    assert raw_response(v8, 'DELETE', '/contexts/nosuchsubject')[0] == 204
    # Registering into the deleted context lists it again (a new CONTEXT record).
    assert v8.register(':.ctx:c', '"bytes"')[0] == 200
    assert v8.get('/contexts')[1] == ['.', '.ctx', '.other']
    # Other methods: 405 under 8; no such path under 7.
    assert v8.get('/contexts/:.ctx:') == (405, {'error_code': 405,
                                                 'message': 'HTTP 405 Method Not Allowed'})
    not_found = (404, {'error_code': 404, 'message': 'HTTP 404 Not Found'})
    assert v7.request('DELETE', '/contexts/:.ctx:') == not_found
    assert v7.get('/contexts/:.ctx:') == not_found


def test_deleted_context_stays_deleted_after_restart(tmp_path):
    d = d8(tmp_path)
    try:
        d.register(':.gone:a', '"string"')
        d.request('DELETE', '/subjects/:.gone:a')
        d.request('DELETE', '/subjects/:.gone:a?permanent=true')
        assert raw_response(d, 'DELETE', '/contexts/:.gone:')[0] == 204
        d.stop()
        d.start()
        assert d.get('/contexts')[1] == ['.']
        # Its ids are not given again.
        st, reg = d.register(':.gone:b', '"int"')
        assert st == 200 and reg['id'] == 2, reg
    finally:
        d.stop()
    tomb = [k for k, v in journal_records(d) if b'"CONTEXT"' in k and v is None]
    assert tomb == [b'{"keytype":"CONTEXT","tenant":"default","context":".gone","magic":0}']


def test_ts_is_the_records_timestamp(kafka, tmp_path):
    """8.x's `ts` is the timestamp of the version's SCHEMA record in
    `_schemas` (KafkaStoreMessageHandler.validateUpdate sets it on the cached
    value; toSchemaEntity hands it out): in a version's answer, GET /schemas,
    and GET /schemas/ids/{id} and /schemas/guids/{guid} (SchemaString, the
    record of the subject-version the id is found under).  A soft delete is
    a new record, hence a new ts.  The lookup copies the request (no ts, no
    deleted).  Records never carry it; confluent.version=7 never shows it."""
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    topic = '_schemas_ts_%d' % os.getpid()
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    for f in admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})]).values():
        f.result(30)
    p = Producer({'bootstrap.servers': kafka.bootstrap})
    key = b'{"keytype":"SCHEMA","subject":"u","version":1,"magic":1}'
    val = b'{"subject":"u","version":1,"id":1,"schema":"\\"string\\"","deleted":false}'
    p.produce(topic, key=key, value=val, timestamp=1700000000123)
    p.flush(30)
    s = {'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
         'kafkastore.topic': topic, 'kafkastore.init.timeout.ms': '30000'}
    d = Schemad(tmp_path / 'k8', dict(s, **{'confluent.version': '8'}))
    d.start()
    try:
        st, body = raw(d, 'GET', '/subjects/u/versions/1')
        assert keys(body) == ['subject', 'version', 'id', 'guid', 'schemaType', 'schema',
                              'ts', 'deleted']
        assert json.loads(body)['ts'] == 1700000000123
        st, body = raw(d, 'GET', '/schemas/ids/1')
        assert keys(body) == ['guid', 'schemaType', 'schema', 'ts', 'deleted']
        guid = json.loads(body)['guid']
        assert raw(d, 'GET', '/schemas/guids/' + guid) == (200, body)
        assert d.get('/schemas')[1][0]['ts'] == 1700000000123
        st, body = raw(d, 'POST', '/subjects/u', {'schema': '"string"'})
        assert 'ts' not in keys(body) and 'deleted' not in keys(body)
        for path in ['/subjects/u/versions/1', '/subjects/u/versions/latest', '/schemas/ids/1',
                     '/schemas/guids/' + guid]:
            assert _assert_table_equals_master(d, path) == 200, path
        before = int(time.time() * 1000) - 1
        assert d.request('DELETE', '/subjects/u/versions/1')[0] == 200
        st, v = d.get('/subjects/u/versions/1?deleted=true')
        assert v['deleted'] is True and v['ts'] >= before
        st, i = d.get('/schemas/ids/1')
        assert i['deleted'] is True and i['ts'] == v['ts']
    finally:
        d.stop()
    recs = read_topic(kafka.bootstrap, topic)
    assert all(b'"ts"' not in v for k, v in recs if v), recs
    d7 = Schemad(tmp_path / 'k7', dict(s, **{'confluent.version': '7'}))
    d7.start()
    try:
        st, body = raw(d7, 'GET', '/subjects/u/versions/1?deleted=true')
        assert keys(body) == ['subject', 'version', 'id', 'schema']
    finally:
        d7.stop()
