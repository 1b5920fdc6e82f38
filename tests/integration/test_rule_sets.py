"""Rule sets as Confluent checks them (RuleSet.validate, Rule.validate,
their 42210 texts, and Jackson's enums before them), on every route that
takes one, and the 42201 text 8.x wraps around a parser's message
(AbstractSchemaRegistry.loadSchema, the providers' wrappers,
Schema.toString with guid, ts and deleted), with 8.x's validation of a new
schema's defaults (schema.validate.new.schemas, validateNewSchemas) and its
references to live versions only.  Each rule is checked in both dialects
where they differ, and in more spellings than one recording shows."""

import hashlib
import uuid

import pytest

from schemad_proc import Schemad

STR = '"string"'
BAD_DEFAULT = ('{"type":"record","name":"R","fields":'
               '[{"name":"a","type":"int","default":"x"}]}')


def start(tmp_path, version, **settings):
    s = {'confluent.version': str(version)}
    s.update(settings)
    d = Schemad(tmp_path / ('d%s' % version), s)
    d.start()
    return d


@pytest.fixture(params=[7, 8])
def both(request, tmp_path):
    d = start(tmp_path, request.param)
    d.dialect = request.param
    yield d
    d.stop()


@pytest.fixture
def v8(tmp_path):
    d = start(tmp_path, 8)
    yield d
    d.stop()


@pytest.fixture
def v7(tmp_path):
    d = start(tmp_path, 7)
    yield d
    d.stop()


def reg(d, subject, rules, schema=STR):
    return d.request('POST', '/subjects/%s/versions' % subject,
                     {'schema': schema, 'ruleSet': rules})


def refused(d, subject, rules):
    st, b = reg(d, subject, rules)
    assert st == 422 and b['error_code'] == 42210, (rules, st, b)
    return b['message']


def rule(**kw):
    r = {'name': 'r', 'type': 'CEL'}
    r.update(kw)
    return r


def test_names(both):
    d = both
    assert refused(d, 'a', {'domainRules': [{'type': 'CEL'}]}) == 'Missing rule name'
    assert refused(d, 'a', {'domainRules': [rule(name='')]}) == 'Empty rule name'
    assert refused(d, 'a', {'domainRules': [rule(name='1x')]}) == \
        'Illegal initial character in rule name: 1x'
    assert refused(d, 'a', {'domainRules': [rule(name='-x')]}) == \
        'Illegal initial character in rule name: -x'
    assert refused(d, 'a', {'domainRules': [rule(name='a.b')]}) == \
        'Illegal character in rule name: a.b'
    # A letter past the BMP is two chars to Java, neither a letter.
    assert refused(d, 'a', {'domainRules': [rule(name='a\U00010400')]}) == \
        'Illegal character in rule name: a\U00010400'
    for good in ('_x', 'x-1_y', '\u00e9t\u00e9', 'Z9'):
        st, b = reg(d, 'ok-' + str(len(good)), {'domainRules': [rule(name=good)]})
        assert st == 200, (good, b)


def test_name_length_is_64_in_7_and_256_in_8(v7, v8):
    for d, limit in ((v7, 64), (v8, 256)):
        st, _ = reg(d, 'n1', {'domainRules': [rule(name='x' * limit)]})
        assert st == 200
        assert refused(d, 'n2', {'domainRules': [rule(name='x' * (limit + 1))]}) == \
            'Rule name too long'
        # Java counts UTF-16 units: 'é' is one, so the limit is the same.
        st, _ = reg(d, 'n3', {'domainRules': [rule(name='\u00e9' * limit)]})
        assert st == 200


def test_type_modes_and_actions(both):
    d = both
    assert refused(d, 'b', {'domainRules': [{'name': 'r'}]}) == 'Missing rule type'
    # The default mode is WRITEREAD: a migration rule must name its mode.
    assert refused(d, 'b', {'migrationRules': [rule()]}) == \
        'Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN'
    assert refused(d, 'b', {'domainRules': [rule(mode='UPGRADE')]}) == \
        'Domain rules can only be WRITE, READ, WRITEREAD'
    for mode in ('WRITE', 'READ', 'UPGRADE', 'DOWNGRADE'):
        rs = ({'domainRules': [rule(mode=mode, onFailure='ERROR,NONE')]}
              if mode in ('WRITE', 'READ') else
              {'migrationRules': [rule(mode=mode, onSuccess='A,B')]})
        assert refused(d, 'b', rs) == 'Multiple actions only valid with WRITEREAD and UPDOWN'
    st, b = reg(d, 'b', {'domainRules': [rule(onFailure='ERROR,NONE')],
                         'migrationRules': [rule(name='m', mode='UPDOWN', onSuccess='A,B')]})
    assert st == 200, b


def test_duplicate_names_across_lists(both):
    d = both
    assert refused(d, 'c', {'domainRules': [rule(), rule()]}) == \
        "Found rule with duplicate name 'r'"
    assert refused(d, 'c', {'migrationRules': [rule(mode='UPGRADE')],
                            'domainRules': [rule()]}) == "Found rule with duplicate name 'r'"
    # Two rules without names: the second is the duplicate of null.
    assert refused(d, 'c', {'domainRules': [{'type': 'X'}, {'type': 'Y'}]}) == \
        'Missing rule name'


def test_encoding_rules_are_8s(v7, v8):
    rs = {'encodingRules': [rule(mode='UPGRADE')]}
    assert refused(v8, 'e', rs) == 'Encoding rules can only be WRITE, READ, WRITEREAD'
    assert refused(v8, 'e', {'domainRules': [rule()], 'encodingRules': [rule()]}) == \
        "Found rule with duplicate name 'r'"
    st, _ = reg(v7, 'e', rs)
    assert st == 200


def test_jackson_refuses_before_the_rules(both):
    d = both
    st, b = reg(d, 'j', {'domainRules': [{'name': '1x', 'mode': 'BOGUS'}]})
    assert st == 400 and b == {'error_code': 400, 'message':
        'Cannot deserialize value of type `RuleMode` from String "BOGUS": not one of the '
        'values accepted for Enum class: [UPGRADE, DOWNGRADE, UPDOWN, WRITE, READ, WRITEREAD]'}
    st, b = reg(d, 'j', {'domainRules': ['x']})
    assert st == 400 and b['error_code'] == 400
    st, b = reg(d, 'j', {'domainRules': 'x'})
    assert st == 400 and b['error_code'] == 400
    # A null rule is dereferenced by the check: Confluent's generic 500.
    st, b = reg(d, 'j', {'domainRules': [None]})
    assert st == 500 and b == {'error_code': 500, 'message': 'Internal Server Error'}


def test_rules_come_before_the_subject_name(both):
    d = both
    st, b = reg(d, '__GLOBAL', {'domainRules': [rule(name='')]})
    assert st == 422 and b['error_code'] == 42210, b


def test_config_rule_sets(both):
    d = both
    for field in ('defaultRuleSet', 'overrideRuleSet'):
        for path in ('/config', '/config/s'):
            st, b = d.request('PUT', path, {field: {'domainRules': [rule(name='')]}})
            assert st == 422 and b == {'error_code': 42210, 'message': 'Empty rule name'}
    # The level is checked first, the rule sets next, the subject last.
    st, b = d.request('PUT', '/config/s', {'compatibility': 'NOPE',
                                           'defaultRuleSet': {'domainRules': [{}]}})
    assert st == 422 and b['error_code'] == 42203
    st, b = d.request('PUT', '/config', {'defaultRuleSet': {'domainRules': [rule()]}})
    assert st == 200
    st, b = d.get('/config')
    assert b['defaultRuleSet']['domainRules'][0]['name'] == 'r'


def test_tag_edits(both):
    d = both
    assert reg(d, 't', None, schema='{"type":"record","name":"T","fields":[]}')[0] == 200
    path = '/subjects/t/versions/1/tags'
    st, b = d.request('POST', path, {'ruleSet': {'domainRules': [rule()]},
                                     'rulesToMerge': {'domainRules': [rule()]}})
    assert st == 422 and b == {'error_code': 42210, 'message':
                               'ruleSet should be omitted if specifying rulesToMerge or '
                               'rulesToRemove'}
    st, b = d.request('POST', path, {'ruleSet': {}, 'rulesToRemove': ['x']})
    assert st == 422 and b['error_code'] == 42210
    st, b = d.request('POST', path, {'rulesToMerge': {'domainRules': [rule(mode='UPDOWN')]}})
    assert st == 422 and b['message'] == 'Domain rules can only be WRITE, READ, WRITEREAD'
    # The version is looked up before the rules are.
    st, b = d.request('POST', '/subjects/t/versions/9/tags',
                      {'rulesToMerge': {'domainRules': [{}]}})
    assert st == 404 and b['error_code'] == 40402


def _guid(text):
    return str(uuid.UUID(bytes=hashlib.md5(text.encode()).digest()))


def test_8_wraps_a_parse_failure(v7, v8):
    bad = '{"type":"recor"}'
    st, b = v8.request('POST', '/subjects/w/versions', {'schema': bad})
    assert st == 422 and b['message'] == (
        'Invalid schema of type AVRO, details: Invalid schema {subject=w,version=null,id=null,'
        'guid=%s,schemaType=AVRO,references=[],metadata=null,ruleSet=null,schema=%s,'
        'schemaTags=null,ts=null,deleted=null} with refs [] of type AVRO, details: '
        'Type not supported: recor' % (_guid(bad), bad))
    st, b = v7.request('POST', '/subjects/w/versions', {'schema': bad})
    assert b['message'] == (
        'Invalid schema {subject=w,version=0,id=-1,schemaType=AVRO,references=[],'
        'metadata=null,ruleSet=null,schema=%s,schemaTags=null} with refs [] of type AVRO, '
        'details: Type not supported: recor' % bad)
    st, b = v8.request('POST', '/subjects/w/versions',
                       {'schema': 'message {', 'schemaType': 'PROTOBUF'})
    assert st == 422 and b['message'].startswith(
        'Invalid schema of type PROTOBUF, details: Invalid schema of type PROTOBUF, details: ')


def test_metadata_and_rules_print_as_java_does(v7, v8):
    body = {'schema': '{"type":"recor"}',
            'metadata': {'properties': {'b': '1', 'a': '2'}, 'tags': {'x': ['q', 'p']}},
            'ruleSet': {'domainRules': [rule(params={'k': 'v'}, tags=['t2', 't1'])]}}
    md = 'Metadata{tags={x=[p, q]}, properties={a=2, b=1}, sensitive=[]}'
    r = ("Rule{name=r, doc=null, kind=TRANSFORM, mode=WRITEREAD, type='CEL', "
         "tags='[t1, t2]', params='{k=v}', expr='null', onSuccess='null', "
         "onFailure='null', disabled='false'}")
    st, b = v7.request('POST', '/subjects/m/versions', body)
    assert ('metadata=%s,ruleSet=Rules{migrationRules=[], domainRules=[%s]},' % (md, r)) \
        in b['message'], b
    st, b = v8.request('POST', '/subjects/m/versions', body)
    assert ('metadata=%s,ruleSet=Rules{migrationRules=[], domainRules=[%s], '
            'encodingRules=[], enableAt=null},' % (md, r)) in b['message'], b


def test_8_validates_a_new_schemas_defaults(v7, v8, tmp_path):
    st, b = v8.request('POST', '/subjects/v/versions', {'schema': BAD_DEFAULT})
    assert st == 422 and b['message'].endswith(
        'details: Invalid default for field a: "x" not a "int"'), b
    st, b = v8.request('POST', '/compatibility/subjects/v/versions/latest',
                       {'schema': BAD_DEFAULT})
    assert st == 422 and b['error_code'] == 42201
    # 7.9 validates them only on the normalize path.
    assert v7.request('POST', '/subjects/v/versions', {'schema': BAD_DEFAULT})[0] == 200
    st, b = v7.request('POST', '/subjects/v2/versions?normalize=true', {'schema': BAD_DEFAULT})
    assert st == 422
    # validateNewSchemas=false in scope, or the server's setting, turns it off.
    st, _ = v8.request('PUT', '/config/v', {'validateNewSchemas': False})
    assert st == 200
    assert v8.request('POST', '/subjects/v/versions', {'schema': BAD_DEFAULT})[0] == 200
    off = start(tmp_path / 'off', 8, **{'schema.validate.new.schemas': 'false'})
    try:
        assert off.request('POST', '/subjects/v/versions', {'schema': BAD_DEFAULT})[0] == 200
    finally:
        off.stop()


def test_8_resolves_a_new_schemas_references_among_live_versions(v7, v8):
    dep = '{"type":"record","name":"Dep","fields":[]}'
    holder = '{"type":"record","name":"H","fields":[{"name":"d","type":"Dep"}]}'
    for d in (v7, v8):
        assert d.request('POST', '/subjects/dep/versions', {'schema': dep})[0] == 200
        assert d.request('POST', '/subjects/dep/versions',
                         {'schema': '{"type":"record","name":"Dep","fields":['
                                    '{"name":"x","type":"int","default":0}]}'})[0] == 200
        assert d.request('DELETE', '/subjects/dep/versions/1')[0] == 200
    refs = [{'name': 'Dep', 'subject': 'dep', 'version': 1}]
    st, b = v8.request('POST', '/subjects/h/versions', {'schema': holder, 'references': refs})
    assert st == 422 and b['message'].endswith(
        'details: No schema reference found for subject "dep" and version 1'), b
    st, b = v7.request('POST', '/subjects/h/versions', {'schema': holder, 'references': refs})
    assert st == 200, b
