"""JSON Schema under confluent.version 8: Confluent 8.3's loaders and
JsonSchemaDiff through the daemon (the worker's body memo included), and
its compatibilityPolicy from the config in scope; the same requests under
7 keep 7.9's answers."""

import pytest

from schemad_proc import Schemad

OBJ = '{"type":"object","properties":{"a":{"type":"string"}}}'
OBJ_B = '{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}'
BRIDGED = '{"definitions":{"x":{"type":"string"}},"$ref":"#/$defs/x"}'


@pytest.fixture(params=['7', '8'])
def daemon(request, tmp_path):
    d = Schemad(tmp_path / 'schemad', {'confluent.version': request.param})
    d.start()
    d.dialect = request.param
    yield d
    d.stop()


def verbose(d, subject, schema):
    return d.request('POST', '/compatibility/subjects/%s/versions/latest?verbose=true' % subject,
                     {'schema': schema, 'schemaType': 'JSON'})


def test_added_property_kind_and_policy(daemon):
    assert daemon.register('p', OBJ, schemaType='JSON')[0] == 200
    st, body = verbose(daemon, 'p', OBJ_B)
    kind = ('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL' if daemon.dialect == '8'
            else 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL')
    assert body['is_compatible'] is False
    assert body['messages'][0].startswith('{errorType:"%s"' % kind)
    # LENIENT is 8.x's (7.9 has no policy: its config refuses or ignores it).
    st, _ = daemon.request('PUT', '/config/p', {'compatibility': 'BACKWARD',
                                                'compatibilityPolicy': 'LENIENT'})
    if daemon.dialect == '8':
        assert st == 200
        assert verbose(daemon, 'p', OBJ_B)[1] == {'is_compatible': True, 'messages': []}
        st, body = daemon.register('p', OBJ_B, schemaType='JSON')
        assert st == 200
        # A changed type is incompatible under either policy.
        st, body = verbose(daemon, 'p', OBJ_B.replace('integer', 'string'))
        assert body['is_compatible'] is False and 'TYPE_CHANGED' in body['messages'][0]
        daemon.request('PUT', '/config/p', {'compatibility': 'BACKWARD',
                                            'compatibilityPolicy': 'STRICT'})
        assert verbose(daemon, 'p', OBJ)[1]['is_compatible'] is True


def test_definitions_bridge(daemon):
    st, body = daemon.register('b', BRIDGED, schemaType='JSON')
    if daemon.dialect == '7':
        assert (st, body['error_code']) == (422, 42201)
        return
    assert st == 200
    # The stored text is the request's, unbridged; a lookup finds it (the
    # worker's memo computes the fingerprint with 8's hooks).
    st, v = daemon.get('/subjects/b/versions/1')
    assert v['schema'] == BRIDGED
    st, found = daemon.request('POST', '/subjects/b', {'schema': BRIDGED, 'schemaType': 'JSON'})
    assert st == 200 and found['id'] == body['id']
