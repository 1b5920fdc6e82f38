"""Protobuf against the real daemon: the .proto text Confluent stores,
normalize, the 42201s, references by import path, the serialized form
both ways (what confluent-kafka's ProtobufSerializer registers and its
ProtobufDeserializer reads back), compatibility with Confluent's verbose
messages, and records carried through a real Kafka broker."""

import base64

import pytest

P = 'syntax = "proto3";\nmessage M {\n  string a = 1;\n}\n'
P_STORED = 'syntax = "proto3";\n\nmessage M {\n  string a = 1;\n}\n'
DEP = 'syntax = "proto3";\npackage dep;\nmessage D {\n  int32 v = 1;\n}\n'
HOLDER = ('syntax = "proto3";\nimport "dep.proto";\nimport "google/protobuf/timestamp.proto";\n'
          'package app;\nmessage H {\n  dep.D d = 1;\n  string name = 2;\n'
          '  google.protobuf.Timestamp ts = 3;\n}\n')


def reg(d, subject, schema, **extra):
    return d.register(subject, schema, schemaType='PROTOBUF', **extra)


def test_register_stores_confluents_text(schemad):
    st, body = reg(schemad, 'p', 'syntax = "proto3";\n\n\nmessage   M { string a = 1; }\n')
    assert st == 200
    sid = body['id']
    assert schemad.get('/schemas/ids/%d' % sid) == (200, {'schema': P_STORED,
                                                        'schemaType': 'PROTOBUF'})
    # The same file in another layout is the same schema, in any subject.
    assert reg(schemad, 'p', P) == (200, {'id': sid})
    assert reg(schemad, 'q', P) == (200, {'id': sid})
    st, v = schemad.get('/subjects/p/versions/1')
    assert v == {'id': sid, 'schema': P_STORED, 'schemaType': 'PROTOBUF', 'subject': 'p',
                 'version': 1}


def test_normalize_orders_and_resolves(schemad):
    text = ('syntax = "proto3";\npackage a;\nimport "google/protobuf/any.proto";\n'
            'message M {\n  int32 b = 2;\n  N n = 1;\n  message N {}\n}\n')
    st, body = schemad.request('POST', '/subjects/n/versions?normalize=true',
                               {'schema': text, 'schemaType': 'PROTOBUF'})
    assert st == 200
    st, v = schemad.get('/subjects/n/versions/1/schema')
    assert v == ('syntax = "proto3";\npackage a;\n\nimport "google/protobuf/any.proto";\n\n'
                 'message M {\n  .a.M.N n = 1;\n  int32 b = 2;\n\n  message N {}\n}\n')


def test_invalid_schemas(schemad):
    st, body = reg(schemad, 'bad', 'message {')
    assert (st, body['error_code']) == (422, 42201)
    assert body['message'].startswith(
        'Invalid schema {subject=bad,version=0,id=-1,schemaType=PROTOBUF,references=[],'
        'metadata=null,ruleSet=null,schema=message {,schemaTags=null} with refs [] of type '
        'PROTOBUF, details: Could not parse Protobuf - Syntax error in :1:9: ')
    st, body = reg(schemad, 'bad', 'syntax = "proto3";\nmessage M {\n  Missing a = 1;\n}\n')
    assert (st, body['message']) == (422, (
        'Invalid schema {subject=bad,version=0,id=-1,schemaType=PROTOBUF,references=[],'
        'metadata=null,ruleSet=null,schema=syntax = "proto3";\nmessage M {\n  Missing a = 1;\n}\n'
        ',schemaTags=null}, details: Could not resolve type: Missing'))
    assert reg(schemad, 'bad', '') == (422, {'error_code': 42201, 'message': 'Empty schema'})


def test_references_by_import_path(schemad):
    st, dep = reg(schemad, 'dep', DEP)
    assert st == 200
    refs = [{'name': 'dep.proto', 'subject': 'dep', 'version': 1}]
    st, body = reg(schemad, 'holder', HOLDER, references=refs)
    assert st == 200
    st, body = reg(schemad, 'noref', HOLDER)
    assert (st, body['message'].split('details: ')[1]) == (422, 'Could not resolve type: dep.D')
    st, text = schemad.get('/subjects/holder/versions/1/schema?format=serialized')
    fdp = base64.b64decode(text)
    assert b'dep.proto' in fdp and b'google/protobuf/timestamp.proto' in fdp
    # A referenced schema cannot be deleted while the holder lives.
    st, body = schemad.request('DELETE', '/subjects/dep?permanent=true')
    assert (st, body['error_code']) == (422, 42206)


def test_serialized_both_ways(schemad):
    st, body = reg(schemad, 's', P)
    sid = body['id']
    b64 = 'CgdkZWZhdWx0IgwKAU0SBwoBYRgBKAliBnByb3RvMw=='
    assert schemad.get('/schemas/ids/%d?format=serialized' % sid) == (
        200, {'schema': b64, 'schemaType': 'PROTOBUF'})
    assert schemad.get('/subjects/s/versions/1/schema?format=serialized') == (200, b64)
    # The descriptor registers as the same schema.
    assert reg(schemad, 's2', b64) == (200, {'id': sid})
    # ignore_extensions drops custom options and extensions.
    st, body = reg(schemad, 'x', 'syntax = "proto2";\nmessage M {\n  optional int32 a = 1;\n'
                                 '  extensions 100 to 199;\n}\n')
    assert schemad.get('/subjects/x/versions/1/schema?format=ignore_extensions') == (
        200, 'syntax = "proto2";\n\nmessage M {\n  optional int32 a = 1;\n}\n')


def test_compatibility_with_confluents_messages(schemad):
    assert reg(schemad, 'c', P)[0] == 200
    new = 'syntax = "proto3";\nmessage M {\n  int32 a = 1;\n}\n'
    st, body = schemad.request('POST', '/compatibility/subjects/c/versions/latest?verbose=true',
                               {'schema': new, 'schemaType': 'PROTOBUF'})
    assert st == 200 and body['is_compatible'] is False
    assert body['messages'][0] == (
        '{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at '
        'path \'#/M/1\' in the new schema does not match its kind in the old schema"}')
    st, body = reg(schemad, 'c', new)
    assert (st, body['error_code']) == (409, 409)
    # Renaming a field and adding one is fine under BACKWARD; under FULL too.
    assert reg(schemad, 'c', 'syntax = "proto3";\nmessage M {\n  string b = 1;\n'
                             '  int64 c = 2;\n}\n')[0] == 200
    assert schemad.request('PUT', '/config/c', {'compatibility': 'FULL_TRANSITIVE'})[0] == 200
    st, body = reg(schemad, 'c', 'syntax = "proto3";\nmessage M {\n  bytes b = 1;\n}\n')
    assert st == 200


def _message_classes():
    """H and D built at run time from their .proto files' descriptors."""
    from google.protobuf import descriptor_pb2, descriptor_pool, timestamp_pb2
    from google.protobuf.message_factory import GetMessageClass
    pool = descriptor_pool.DescriptorPool()
    ts = descriptor_pb2.FileDescriptorProto()
    timestamp_pb2.DESCRIPTOR.CopyToProto(ts)
    pool.Add(ts)
    dep = descriptor_pb2.FileDescriptorProto(name='dep.proto', package='dep', syntax='proto3')
    d = dep.message_type.add(name='D')
    d.field.add(name='v', number=1, type=5, label=1)
    pool.Add(dep)
    holder = descriptor_pb2.FileDescriptorProto(
        name='holder.proto', package='app', syntax='proto3',
        dependency=['dep.proto', 'google/protobuf/timestamp.proto'])
    h = holder.message_type.add(name='H')
    h.field.add(name='d', number=1, type=11, label=1, type_name='.dep.D')
    h.field.add(name='name', number=2, type=9, label=1)
    h.field.add(name='ts', number=3, type=11, label=1, type_name='.google.protobuf.Timestamp')
    pool.Add(holder)
    return GetMessageClass(pool.FindMessageTypeByName('app.H'))


def test_protobuf_serializer_through_kafka(kafka, schemad):
    pytest.importorskip('google.protobuf')
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.protobuf import (ProtobufDeserializer,
                                                          ProtobufSerializer)
    from confluent_kafka.serialization import MessageField, SerializationContext
    H = _message_classes()
    client = SchemaRegistryClient({'url': schemad.url})
    ser = ProtobufSerializer(H, client, {'use.deprecated.format': False})
    topic = 'proto-e2e'
    ctx = SerializationContext(topic, MessageField.VALUE)
    msg = H(name='n1')
    msg.d.v = 42
    msg.ts.seconds = 1700000000
    value = ser(msg, ctx)
    # The serializer registered the referenced file under its name.
    st, subjects = schemad.get('/subjects')
    assert 'dep.proto' in subjects and topic + '-value' in subjects
    st, v = schemad.get('/subjects/%s-value/versions/1' % topic)
    assert v['references'] == [{'name': 'dep.proto', 'subject': 'dep.proto', 'version': 1}]
    assert v['schema'].startswith('syntax = "proto3";\npackage app;\n\nimport "dep.proto";\n')
    p = Producer({'bootstrap.servers': kafka.bootstrap})
    p.produce(topic, value=value)
    assert p.flush(30) == 0
    c = Consumer({'bootstrap.servers': kafka.bootstrap, 'group.id': 'proto-e2e',
                  'auto.offset.reset': 'earliest'})
    c.subscribe([topic])
    got = None
    for _ in range(60):
        m = c.poll(1.0)
        if m is not None and m.error() is None:
            got = m.value()
            break
    c.close()
    assert got == value
    de = ProtobufDeserializer(H, {'use.deprecated.format': False}, client)
    back = de(got, ctx)
    assert (back.name, back.d.v, back.ts.seconds) == ('n1', 42, 1700000000)


def test_hostile_texts_are_refused_not_crashed(schemad):
    # Google's parser recurses per block: a deep text is refused before it.
    deep = 'syntax = "proto3";\n' + 'message M { ' * 50000 + '}' * 50000
    st, body = reg(schemad, 'deep', deep)
    assert (st, body['error_code']) == (422, 42201)
    assert 'blocks nest deeper than 100' in body['message']
    # Not base64 of a descriptor, not .proto: the parser's error.
    st, body = reg(schemad, 'junk', 'CgdkZWZhdWx0Ig')
    assert (st, body['error_code']) == (422, 42201)
    # A descriptor that decodes but whose text would not load again.
    st, body = reg(schemad, 'ranges', base64.b64encode(
        bytes.fromhex('0a0164') + bytes.fromhex('220a0a014d4a0508001000')).decode())
    assert (st, body["error_code"]) == (422, 42201)
    assert schemad.get('/subjects')[0] == 200
