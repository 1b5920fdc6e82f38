"""JSON Schema against the real daemon: registration and the stored text,
normalize, the 42201s, references, compatibility under every level with
Confluent's verbose messages, tags, deletes and contexts, and the worker
answering a known schema from the table while the master is stopped."""

import json
import os
import signal
import time

import pytest

from test_daemon import _assert_table_equals_master

OBJ = '{"type":"object","properties":{"a":{"type":"string"}}}'
OBJ_SPACED = '{ "type": "object", "properties": { "a": { "type": "string" } } }'
OBJ_INT = '{"type":"object","properties":{"a":{"type":"integer"}}}'


def reg(d, subject, schema, **extra):
    return d.register(subject, schema, schemaType='JSON', **extra)


def test_register_stores_jacksons_text(schemad):
    st, body = reg(schemad, 'j', OBJ_SPACED)
    assert st == 200
    sid = body['id']
    assert schemad.get('/schemas/ids/%d' % sid) == (200, {'schema': OBJ, 'schemaType': 'JSON'})
    assert reg(schemad, 'j', OBJ) == (200, {'id': sid})
    assert reg(schemad, 'other', OBJ) == (200, {'id': sid})
    st, v = schemad.get('/subjects/j/versions/1')
    assert v == {'id': sid, 'schema': OBJ, 'schemaType': 'JSON', 'subject': 'j', 'version': 1}
    # Another member order is another schema (Confluent keeps the order) ...
    st, body = schemad.request('POST', '/subjects/j', {
        'schema': '{"properties":{"a":{"type":"string"}},"type":"object"}', 'schemaType': 'JSON'})
    assert (st, body['error_code']) == (404, 40403)
    # ... unless normalized.
    st, body = schemad.request('POST', '/subjects/j/versions?normalize=true',
                               {'schema': OBJ_SPACED, 'schemaType': 'JSON'})
    assert st == 200 and body['id'] != sid
    st, v = schemad.get('/subjects/j/versions/2')
    assert v['schema'] == '{"properties":{"a":{"type":"string"}},"type":"object"}'
    for i, text in enumerate(('true', 'false', '{}', '[]', '12')):
        st, body = reg(schemad, 'shape%d' % i, text)
        assert st == 200, text
    # true then false in one subject: anything to false narrows the type.
    st, body = reg(schemad, 'shape0', 'false')
    assert st == 409 and 'TYPE_CHANGED' in body['message']


def test_invalid_documents(schemad):
    st, body = reg(schemad, 'bad', '{"type":12}')
    assert (st, body['message']) == (422, (
        'Invalid schema {subject=bad,version=0,id=-1,schemaType=JSON,references=[],'
        'metadata=null,ruleSet=null,schema={"type":12},schemaTags=null}, '
        'details: Invalid JSON Schema'))
    st, body = reg(schemad, 'bad', '{"type":')
    assert (st, body['message']) == (422, (
        'Invalid schema {subject=bad,version=0,id=-1,schemaType=JSON,references=[],'
        'metadata=null,ruleSet=null,schema={"type":,schemaTags=null} with refs [] of type '
        'JSON, details: Invalid JSON {"type":'))
    for text in ('{"$ref":"#/definitions/missing"}', '{"required":"a"}', '{"minimum":"x"}',
                 '{"pattern":"("}', '{"properties":[]}', '{"items":{"type":"nope"}}', 'null',
                 '[' * 1500 + ']' * 1500):
        st, body = reg(schemad, 'bad', text)
        assert (st, body['error_code']) == (422, 42201), text
    assert schemad.get('/subjects/bad/versions')[0] == 404


def test_references_by_name(schemad):
    st, dep = reg(schemad, 'dep', '{"type":"object","properties":{"v":{"type":"integer"}}}')
    holder = '{"type":"object","properties":{"d":{"$ref":"dep.json"}}}'
    refs = [{'name': 'dep.json', 'subject': 'dep', 'version': 1}]
    st, body = reg(schemad, 'holder', holder, references=refs)
    assert st == 200
    assert reg(schemad, 'holder', holder, references=refs) == (200, body)
    assert reg(schemad, 'noref', holder)[0] == 422
    assert schemad.get('/subjects/dep/versions/1/referencedby') == (200, [body['id']])


def verbose(d, subject, schema):
    return d.request('POST', '/compatibility/subjects/%s/versions/latest?verbose=true' % subject,
                     {'schema': schema, 'schemaType': 'JSON'})


def test_compatibility_levels_and_messages(schemad):
    reg(schemad, 'c', OBJ)
    backward = ("{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/a' "
                "is different between the new schema and the old schema'}")
    forward = backward.replace('the new schema and the old', 'the old schema and the new')
    tail = ["{oldSchemaVersion: 1}", "{oldSchema: '%s'}" % OBJ]
    st, body = verbose(schemad, 'c', OBJ_INT)
    assert body == {'is_compatible': False, 'messages': [backward] + tail + [
        "{validateFields: 'false', compatibility: 'BACKWARD'}"]}
    st, body = schemad.register('c', OBJ_INT, schemaType='JSON')
    assert st == 409 and backward in body['message']
    schemad.request('PUT', '/config/c', {'compatibility': 'FORWARD'})
    assert verbose(schemad, 'c', OBJ_INT)[1]['messages'][0] == forward
    schemad.request('PUT', '/config/c', {'compatibility': 'FULL'})
    assert verbose(schemad, 'c', OBJ_INT)[1]['messages'][:2] == [forward, backward]
    schemad.request('PUT', '/config/c', {'compatibility': 'NONE'})
    assert verbose(schemad, 'c', OBJ_INT)[1] == {'is_compatible': True, 'messages': []}
    # Open content model: adding a typed property is refused, removing one is fine.
    schemad.request('PUT', '/config/c', {'compatibility': 'BACKWARD'})
    st, body = verbose(schemad, 'c', '{"type":"object","properties":{"a":{"type":"string"},'
                                     '"b":{"type":"string"}}}')
    assert body['is_compatible'] is False
    assert 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL' in body['messages'][0]
    assert verbose(schemad, 'c', '{"type":"object"}')[1]['is_compatible'] is True
    # A different schema type.
    st, body = schemad.request('POST', '/compatibility/subjects/c/versions/latest?verbose=true',
                               {'schema': '"string"'})
    assert body['messages'][0] == 'Incompatible because of different schema type'


def test_transitive_levels(schemad):
    """The latest version alone, or every version: a history registered
    under NONE (string, then integer) tells the two apart."""
    schemad.request('PUT', '/config/t', {'compatibility': 'NONE'})
    reg(schemad, 't', '{"type":"string"}')
    reg(schemad, 't', '{"type":"integer"}')
    for level, ok in (('BACKWARD', True), ('BACKWARD_TRANSITIVE', False),
                      ('FORWARD', True), ('FORWARD_TRANSITIVE', False),
                      ('FULL', True), ('FULL_TRANSITIVE', False), ('NONE', True)):
        schemad.request('PUT', '/config/t', {'compatibility': level})
        st, body = schemad.request('POST', '/compatibility/subjects/t/versions',
                                   {'schema': '{"type":"integer"}', 'schemaType': 'JSON'})
        assert body['is_compatible'] is ok, level
    schemad.request('PUT', '/config/t', {'compatibility': 'BACKWARD_TRANSITIVE'})
    st, body = reg(schemad, 't', '{"type":"integer","minimum":0}')
    assert st == 409


def test_tags_deletes_and_contexts(schemad):
    reg(schemad, 'tg', OBJ)
    st, body = schemad.request('POST', '/subjects/tg/versions/1/tags', {'tagsToAdd': [
        {'schemaEntity': {'entityPath': 'object.a', 'entityType': 'sr_field'}, 'tags': ['PII']}]})
    assert st == 200
    assert body['schema'] == ('{"type":"object","properties":{"a":{"type":"string",'
                              '"confluent:tags":["PII"]}}}')
    st, body = schemad.request('POST', '/subjects/tg/versions/1/tags', {'tagsToAdd': [
        {'schemaEntity': {'entityPath': 'object.nope', 'entityType': 'sr_field'}, 'tags': ['X']}]})
    assert (st, body['message']) == (422, "java.lang.IllegalArgumentException: No matching "
                                          "path 'object.nope' found in the schema")
    assert schemad.request('DELETE', '/subjects/tg/versions/2')[0] == 200
    assert schemad.request('DELETE', '/subjects/tg/versions/2?permanent=true')[0] == 200
    st, body = reg(schemad, ':.ctx:tg', OBJ)
    assert st == 200
    assert schemad.get('/subjects/:.ctx:tg/versions/1')[1]['schemaType'] == 'JSON'


def test_worker_answers_a_known_schema_from_the_table(schemad):
    """A re-registration and a lookup of a known JSON schema are answered
    by a worker while the master is stopped."""
    st, body = reg(schemad, 'hot', OBJ_SPACED)
    sid = body['id']
    _assert_table_equals_master(schemad, '/subjects/hot/versions/1')
    _assert_table_equals_master(schemad, '/schemas/ids/%d' % sid)
    os.kill(schemad.proc.pid, signal.SIGSTOP)
    try:
        assert schemad.request('POST', '/subjects/hot/versions',
                               {'schema': OBJ, 'schemaType': 'JSON'}, timeout=5) == (200, {'id': sid})
        st, body = schemad.request('POST', '/subjects/hot',
                                   {'schema': OBJ_SPACED, 'schemaType': 'JSON'}, timeout=5)
        assert st == 200 and body['id'] == sid and body['schemaType'] == 'JSON'
    finally:
        os.kill(schemad.proc.pid, signal.SIGCONT)
    assert json.loads(json.dumps(schemad.get('/subjects/hot/versions')[1])) == [1]


def test_refs_followed_into_other_subjects(schemad):
    """A $ref names another subject's document by the reference's name
    (Confluent registers each under that name, resolved against the
    referrer's $id); a pointer into it must exist; compatibility compares
    through the $ref."""
    dep1 = '{"type":"object","definitions":{"x":{"type":"string"}},"properties":{"a":{"type":"string"}}}'
    dep2 = '{"type":"object","definitions":{"x":{"type":"string"}},"properties":{"a":{"type":"integer"}}}'
    assert schemad.request('PUT', '/config/rdep', {'compatibility': 'NONE'})[0] == 200
    assert reg(schemad, 'rdep', dep1)[0] == 200
    assert reg(schemad, 'rdep', dep2)[0] == 200
    holder = '{"type":"object","properties":{"d":{"$ref":"dep.json"},"x":{"$ref":"dep.json#/definitions/x"}}}'
    refs1 = [{'name': 'dep.json', 'subject': 'rdep', 'version': 1}]
    refs2 = [{'name': 'dep.json', 'subject': 'rdep', 'version': 2}]
    assert reg(schemad, 'rholder', holder, references=refs1)[0] == 200
    bad = '{"properties":{"x":{"$ref":"dep.json#/definitions/nope"}}}'
    st, body = reg(schemad, 'rbad', bad, references=refs1)
    assert (st, body['error_code']) == (422, 42201)
    with_id = ('{"$id":"http://example.com/s/holder.json","properties":'
               '{"x":{"$ref":"dep.json#/definitions/x"}}}')
    st, _ = reg(schemad, 'rid', with_id,
                references=[{'name': 'http://example.com/s/dep.json', 'subject': 'rdep', 'version': 1}])
    assert st == 200
    st, body = schemad.request(
        'POST', '/compatibility/subjects/rholder/versions/latest?verbose=true',
        {'schema': holder, 'schemaType': 'JSON', 'references': refs2})
    assert st == 200 and body['is_compatible'] is False
    assert any('TYPE_CHANGED' in m and '#/properties/d/properties/a' in m for m in body['messages'])
    st, body = reg(schemad, 'rholder', holder, references=refs2)
    assert st == 409


def test_json_serializer_with_references_through_kafka(kafka, tmp_path):
    """confluent-kafka's JSONSerializer and JSONDeserializer carry records
    through schemad and a real broker, with a $ref to another subject."""
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    from schemad_proc import Schemad

    d = Schemad(tmp_path / 'schemad')
    d.start()
    try:
        client = SchemaRegistryClient({'url': d.url})
        address = ('{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",'
                   '"properties":{"city":{"type":"string"}},"required":["city"]}')
        client.register_schema('address', Schema(address, 'JSON'))
        user = ('{"$schema":"http://json-schema.org/draft-07/schema#","title":"User",'
                '"type":"object","properties":{"name":{"type":"string"},'
                '"address":{"$ref":"address.json"}},"required":["name","address"]}')
        schema = Schema(user, 'JSON', [SchemaReference('address.json', 'address', 1)])
        topic = 'json-refs-%d' % os.getpid()
        ser = JSONSerializer(schema, client, conf={'auto.register.schemas': True})
        de = JSONDeserializer(None, schema_registry_client=client)
        ctx = SerializationContext(topic, MessageField.VALUE)
        sent = [{'name': 'n%d' % i, 'address': {'city': 'c%d' % i}} for i in range(3)]
        p = Producer({'bootstrap.servers': kafka.bootstrap})
        for v in sent:
            p.produce(topic, value=ser(v, ctx))
        assert p.flush(30) == 0
        c = Consumer({'bootstrap.servers': kafka.bootstrap, 'group.id': topic,
                      'auto.offset.reset': 'earliest'})
        c.subscribe([topic])
        got = []
        deadline = time.time() + 60
        while len(got) < len(sent) and time.time() < deadline:
            m = c.poll(1.0)
            if m is None or m.error():
                continue
            got.append(de(m.value(), ctx))
        c.close()
        assert got == sent
        st, body = d.get('/subjects/%s-value/versions/latest' % topic)
        assert st == 200 and body['references'] == [
            {'name': 'address.json', 'subject': 'address', 'version': 1}]
        # A record that breaks the referenced document is refused by the serializer.
        with pytest.raises(Exception):
            ser({'name': 'x', 'address': {'city': 7}}, ctx)
    finally:
        d.stop()
