"""Confluent's rules for scopes and subject names, derived from its source
(7.9 and 8.3 agree on these): InMemoryCache.config/mode with
returnTopLevelIfNotFound, KafkaSchemaRegistry.getModeInScope and getMode,
QualifiedSubject.normalize and isValidSubject.  Each test checks a rule in
more than the one spelling a recording happens to show."""

import json

from schemad_proc import avro_record

A1 = avro_record('R', [('a', 'int')])
# Not backward compatible with A1: a new field without a default.
A2 = avro_record('R', [('a', 'int'), ('b', 'string')])


def _reg(d, subject, schema, **extra):
    body = {'schema': schema}
    body.update(extra)
    return d.request('POST', '/subjects/%s/versions' % subject, body)


def test_context_config_governs_its_subjects(schemad):
    d = schemad
    st, _ = d.request('PUT', '/config/:.ctx:', {'compatibility': 'NONE'})
    assert st == 200
    for subject in (':.ctx:s', ':.ctx:t'):
        assert _reg(d, subject, A1)[0] == 200
        st, b = _reg(d, subject, A2)
        assert st == 200, (subject, b)
    # Another context is not governed by it: the server default (BACKWARD).
    assert _reg(d, ':.other:s', A1)[0] == 200
    st, b = _reg(d, ':.other:s', A2)
    assert st == 409, b
    st, b = d.get('/config/:.ctx:s?defaultToGlobal=true')
    assert b['compatibilityLevel'] == 'NONE'
    st, b = d.get('/config/:.ctx:s')
    assert st == 404 and b['error_code'] == 40408


def test_global_config_stays_in_the_default_context(schemad):
    """A subject outside the default context without a config of its own
    or of its context falls back to the server's default, not to the
    global config (InMemoryCache.config)."""
    d = schemad
    st, _ = d.request('PUT', '/config', {'compatibility': 'NONE'})
    assert st == 200
    assert _reg(d, 'plain', A1)[0] == 200
    assert _reg(d, 'plain', A2)[0] == 200
    assert _reg(d, ':.ctx:s', A1)[0] == 200
    st, b = _reg(d, ':.ctx:s', A2)
    assert st == 409, b
    st, b = d.get('/config/:.ctx:s?defaultToGlobal=true')
    assert st == 200 and b['compatibilityLevel'] == 'BACKWARD', b
    st, b = d.get('/config/plain?defaultToGlobal=true')
    assert b['compatibilityLevel'] == 'NONE'


def test_a_config_applies_whole(schemad):
    """The first level that has a config is used whole: a subject's config
    with only a level does not take the global defaultMetadata."""
    d = schemad
    md = {'properties': {'owner': 'team-a'}}
    st, _ = d.request('PUT', '/config', {'defaultMetadata': md})
    assert st == 200
    st, _ = d.request('PUT', '/config/own', {'compatibility': 'NONE'})
    assert st == 200
    assert _reg(d, 'own', A1)[0] == 200
    assert _reg(d, 'inherits', A1)[0] == 200
    st, own = d.get('/subjects/own/versions/1')
    st, inh = d.get('/subjects/inherits/versions/1')
    assert 'metadata' not in own or own['metadata'] is None, own
    assert inh['metadata']['properties'] == md['properties'], inh


def test_context_mode_and_the_global_mode(schemad):
    d = schemad
    assert d.request('PUT', '/mode/:.ro:', {'mode': 'READONLY'})[0] == 200
    st, b = _reg(d, ':.ro:s', A1)
    assert st == 422 and b['error_code'] == 42205, b
    assert _reg(d, 'free', A1)[0] == 200
    # A global READONLY covers the default context only ...
    assert d.request('PUT', '/mode', {'mode': 'READONLY'})[0] == 200
    st, b = _reg(d, 'free2', A1)
    assert st == 422 and b['error_code'] == 42205
    assert _reg(d, ':.rw:s', A1)[0] == 200
    st, b = d.get('/mode/:.rw:s?defaultToGlobal=true')
    assert b == {'mode': 'READWRITE'}
    st, b = d.get('/mode/free2?defaultToGlobal=true')
    assert b == {'mode': 'READONLY'}
    # ... READONLY_OVERRIDE covers everything, and answers for every subject,
    # a subject with a mode of its own included (the workers' table too).
    # (setMode checks no mode: a subject's mode can change under READONLY.)
    assert d.request('PUT', '/mode/own', {'mode': 'READWRITE'})[0] == 200
    assert d.request('PUT', '/mode', {'mode': 'READONLY_OVERRIDE'})[0] == 200
    for _ in range(4):
        st, b = d.get('/mode/own')
        assert st == 200 and b == {'mode': 'READONLY_OVERRIDE'}, b
    st, b = _reg(d, ':.rw:t', A1)
    assert st == 422 and b['error_code'] == 42205
    st, b = d.get('/mode/nothing-set-here')
    assert st == 200 and b == {'mode': 'READONLY_OVERRIDE'}
    st, b = d.request('DELETE', '/mode/nothing-set-here')
    assert st == 200 and b == {'mode': 'READONLY_OVERRIDE'}
    assert d.request('PUT', '/mode', {'mode': 'READWRITE'})[0] == 200
    st, b = d.get('/mode/nothing-set-here')
    assert st == 404 and b['error_code'] == 40409


def test_reserved_and_control_subjects_are_refused(schemad):
    d = schemad
    for name in ('__GLOBAL', '__EMPTY', ':.ctx:__GLOBAL', ':.ctx:__EMPTY', ':.:__GLOBAL',
                 'a%C2%85b', 'tab%09', 'del%7F'):
        for method, path, body in (
                ('POST', '/subjects/%s/versions' % name, {'schema': A1}),
                ('PUT', '/config/%s' % name, {'compatibility': 'NONE'}),
                ('PUT', '/mode/%s' % name, {'mode': 'READONLY'})):
            st, b = d.request(method, path, body)
            assert st == 422 and b['error_code'] == 42208, (method, path, st, b)
    st, subjects = d.get('/subjects?subjectPrefix=:*:&deleted=true')
    assert subjects == []
    # Near misses are fine: a longer name, another case, a context's empty subject.
    for name in ('__GLOBALX', '__global', ':.ctx:'):
        st, b = _reg(d, name, A1)
        assert st == 200, (name, b)


def test_a_context_without_its_closing_colon(schemad):
    """":.ctx" is the empty subject of context .ctx, spelled ":.ctx:"."""
    d = schemad
    st, b = _reg(d, ':.ctx', A1)
    assert st == 200
    st, subjects = d.get('/subjects?subjectPrefix=:.ctx:')
    assert subjects == [':.ctx:']
    st, v = d.get('/subjects/:.ctx/versions/1')
    assert st == 200 and v['subject'] == ':.ctx:', v
    st, b = _reg(d, ':.:plain', A1)
    assert st == 200
    st, v = d.get('/subjects/plain/versions/1')
    assert v['subject'] == 'plain'


def test_unqualified_reads_fall_back_to_other_contexts(schemad):
    """getUsingContexts: a version the default-context subject does not show
    is looked for in each other context, in context order, version by
    version; lookUpSchemaUnderSubjectUsingContexts likewise."""
    d = schemad
    sa = avro_record('A', [('a', 'int')])
    sb1 = avro_record('B', [('b', 'int')])
    sb2 = json.dumps({'type': 'record', 'name': 'B',
                      'fields': [{'name': 'b', 'type': 'int'},
                                 {'name': 'c', 'type': 'int', 'default': 0}]})
    assert _reg(d, ':.b:s', sb1)[0] == 200
    assert _reg(d, ':.b:s', sb2)[0] == 200
    assert _reg(d, ':.a:s', sa)[0] == 200
    st, v = d.get('/subjects/s/versions/1')
    assert st == 200 and v['subject'] == ':.a:s', v
    # :.a:s has no version 2: the next context answers.
    st, v = d.get('/subjects/s/versions/2')
    assert st == 200 and v['subject'] == ':.b:s', v
    st, v = d.get('/subjects/s/versions/3')
    assert st == 404 and v['error_code'] == 40401, v
    # Lookups search the same way.
    st, b = d.request('POST', '/subjects/s', {'schema': sb2})
    assert st == 200 and b['subject'] == ':.b:s' and b['version'] == 2, b
    # A default-context subject shadows the others version by version.
    assert _reg(d, 's', sb1)[0] == 200
    st, v = d.get('/subjects/s/versions/1')
    assert v['subject'] == 's'
    st, v = d.get('/subjects/s/versions/2')
    assert v['subject'] == ':.b:s'
    assert d.request('DELETE', '/subjects/s/versions/1')[0] == 200
    st, v = d.get('/subjects/s/versions/1')
    assert st == 200 and v['subject'] == ':.a:s', v
    st, v = d.get('/subjects/s/versions/1?deleted=true')
    assert st == 200 and v['subject'] == 's', v
    # A qualified subject never falls back.
    st, v = d.get('/subjects/:.c:s/versions/1')
    assert st == 404 and v['error_code'] == 40401


def test_lookup_parses_before_it_looks(schemad):
    d = schemad
    st, b = d.request('POST', '/subjects/nowhere', {'schema': '{"type":"record","name":"X"}'})
    assert st == 422 and b['error_code'] == 42201, b
    st, b = d.request('POST', '/subjects/nowhere', {'schema': '"int"'})
    assert st == 404 and b['error_code'] == 40401, b
    assert _reg(d, 'here', A1)[0] == 200
    st, b = d.request('POST', '/subjects/here', {'schema': '  '})
    assert st == 404 and b['error_code'] == 40403, b
    st, b = d.request('POST', '/subjects/here', {'schema': '"int"'})
    assert st == 404 and b['error_code'] == 40403, b
    assert d.request('DELETE', '/subjects/here')[0] == 200
    st, b = d.request('POST', '/subjects/here', {'schema': A1})
    assert st == 404 and b['error_code'] == 40401, b
    st, b = d.request('POST', '/subjects/here?deleted=true', {'schema': A1})
    assert st == 200 and b['version'] == 1, b


def test_latest_with_metadata_matching(schemad):
    """getLatestWithMetadata: keys and values paired by index (an unpaired
    key or value is dropped), a repeated key takes its last value, newest
    version first, only versions with metadata properties match."""
    d = schemad
    s1 = avro_record('M', [('a', 'int')])
    s2 = json.dumps({'type': 'record', 'name': 'M',
                     'fields': [{'name': 'a', 'type': 'int'},
                                {'name': 'b', 'type': 'int', 'default': 0}]})
    s3 = json.dumps({'type': 'record', 'name': 'M',
                     'fields': [{'name': 'a', 'type': 'int'},
                                {'name': 'c', 'type': 'int', 'default': 0}]})
    assert _reg(d, 'm', s1, metadata={'properties': {'team': 'a', 'tier': '1'}})[0] == 200
    assert _reg(d, 'm', s2, metadata={'properties': {'team': 'b', 'tier': '1'}})[0] == 200
    # Without metadata of its own, version 3 carries version 2's forward.
    assert _reg(d, 'm', s3)[0] == 200
    assert _reg(d, 'bare', s1)[0] == 200    # never any metadata

    def version(query, subject='m'):
        st, b = d.get('/subjects/%s/metadata' % subject + query)
        return b['version'] if st == 200 else (st, b['error_code'])

    assert version('?key=team&value=a') == 1
    assert version('?key=team&value=b') == 3
    assert version('?key=tier&value=1') == 3
    assert version('?key=team&value=a&key=tier&value=1') == 1
    assert version('?key=team&value=a&key=tier&value=2') == (404, 40403)
    # A repeated key: the last value counts.
    assert version('?key=team&value=b&key=team&value=a') == 1
    # A key alone, a value alone, nothing: no filter, the newest version
    # that has properties; a subject without any matches nothing.
    assert version('?key=team') == 3
    assert version('?value=a') == 3
    assert version('') == 3
    assert version('', 'bare') == (404, 40403)
    assert version('?key=team&value=a&key=tier') == 1
    # Soft-deleted versions only with deleted=true.
    assert d.request('DELETE', '/subjects/m/versions/1')[0] == 200
    assert version('?key=team&value=a') == (404, 40403)
    assert version('?key=team&value=a&deleted=true') == 1
    st, b = d.get('/subjects/none/metadata?key=team&value=a')
    assert st == 404 and b['error_code'] == 40401


def test_confluent_version_bookkeeping(schemad):
    """maybeSetMetadataRuleSet and canLookup: confluent:version is set when
    a registration names a version (-1 too) and carried, renumbered, once
    the metadata has it; a request without it finds a version that has it,
    and a request with it finds a version without it only under the same
    number."""
    d = schemad
    sa = avro_record('V', [('a', 'int')])
    sb = json.dumps({'type': 'record', 'name': 'V',
                     'fields': [{'name': 'a', 'type': 'int'},
                                {'name': 'b', 'type': 'int', 'default': 0}]})
    st, b = _reg(d, 'cv', sa, version=1)
    assert st == 200 and b['metadata']['properties']['confluent:version'] == '1'
    first = b['id']
    # The same schema without a version finds version 1: no new version.
    st, b = _reg(d, 'cv', sa)
    assert st == 200 and b == {'id': first}, b
    st, b = d.request('POST', '/subjects/cv', {'schema': sa})
    assert st == 200 and b['version'] == 1, b
    assert d.get('/subjects/cv/versions')[1] == [1]
    # A new schema inherits the metadata, renumbered.
    st, b = _reg(d, 'cv', sb)
    assert st == 200, b
    st, v = d.get('/subjects/cv/versions/2')
    assert v['metadata']['properties']['confluent:version'] == '2', v
    # A client's own number is replaced by the version it gets.
    st, b = _reg(d, 'cv2', sa, metadata={'properties': {'confluent:version': '7', 'k': 'v'}})
    assert st == 200
    st, v = d.get('/subjects/cv2/versions/1')
    assert v['metadata']['properties'] == {'confluent:version': '1', 'k': 'v'}, v
    # A version without confluent:version: a lookup carrying the right
    # number finds it, a wrong number does not.
    assert _reg(d, 'plain', sa)[0] == 200
    md1 = {'properties': {'confluent:version': '1'}}
    st, b = d.request('POST', '/subjects/plain', {'schema': sa, 'metadata': md1})
    assert st == 200 and b['version'] == 1, b
    md2 = {'properties': {'confluent:version': '2'}}
    st, b = d.request('POST', '/subjects/plain', {'schema': sa, 'metadata': md2})
    assert st == 404 and b['error_code'] == 40403, b
    # version -1 asks the latest only, through canLookup: the latest has no
    # confluent:version, so a version numbered 2 is written; then it is found.
    st, b = _reg(d, 'plain', sa, version=-1)
    assert st == 200 and b['version'] == 2, b
    assert b['metadata']['properties']['confluent:version'] == '2'
    st, b = _reg(d, 'plain', sa, version=-1)
    assert st == 200 and b == {'id': b['id']} and d.get('/subjects/plain/versions')[1] == [1, 2]


def _dep_and_user(dep_name='Dep', user_name='User', ref_subject='dep'):
    dep = avro_record(dep_name, [('x', 'int')])
    user = json.dumps({'type': 'record', 'name': user_name,
                       'fields': [{'name': 'd', 'type': dep_name}]})
    refs = [{'name': dep_name, 'subject': ref_subject, 'version': 1}]
    return dep, user, refs


def test_references_across_deletes(schemad):
    """InMemoryCache drops a referrer's id from referencedBy when it is
    soft-deleted; resolveReferences reads referenced versions with
    returnDeletedSchema (a soft-deleted version may be referenced), and
    "latest" means the newest live one."""
    d = schemad
    dep, user, refs = _dep_and_user()
    assert _reg(d, 'dep', dep)[0] == 200
    st, b = _reg(d, 'user', user, references=refs)
    assert st == 200, b
    uid = b['id']
    assert d.get('/subjects/dep/versions/1/referencedby')[1] == [uid]
    st, b = d.request('DELETE', '/subjects/dep/versions/1')
    assert st == 422 and b['error_code'] == 42206, b
    # The referrer soft-deleted: no longer a referrer, the delete goes through.
    assert d.request('DELETE', '/subjects/user/versions/1')[0] == 200
    assert d.get('/subjects/dep/versions/1/referencedby')[1] == []
    assert d.request('DELETE', '/subjects/dep/versions/1')[0] == 200
    # A soft-deleted version can still be referenced by number ...
    st, b = _reg(d, 'user2', user, references=refs)
    assert st == 200, b
    assert d.get('/subjects/dep/versions/1/referencedby?deleted=true')[1] == [b['id']]
    # ... but not as "latest", which is the newest live version.
    latest = [{'name': 'Dep', 'subject': 'dep', 'version': -1}]
    st, b = _reg(d, 'user3', user, references=latest)
    assert st == 422 and b['error_code'] == 42201, b
    assert 'No schema reference found for subject \\"dep\\" and version -1' in b['message'] \
        or 'No schema reference found for subject "dep" and version -1' in b['message'], b


def test_references_resolve_in_the_referrers_context(schemad):
    """qualifySubjectWithParent: a reference to an unqualified subject from
    a schema in a context names that context's subject."""
    d = schemad
    dep, user, refs = _dep_and_user(ref_subject='dep')
    assert _reg(d, ':.ctx:dep', dep)[0] == 200
    st, b = _reg(d, ':.ctx:user', user, references=refs)
    assert st == 200, b
    st, r = d.get('/subjects/:.ctx:dep/versions/1/referencedby')
    assert r == [b['id']], r
    # The default context has no "dep": the same request there fails.
    st, b = _reg(d, 'user', user, references=refs)
    assert st == 422 and b['error_code'] == 42201, b
    assert 'subject \\"dep\\"' in b['message'] or 'subject "dep"' in b['message'], b
    # The referenced version is held in its context: deleting it is refused.
    st, b = d.request('DELETE', '/subjects/:.ctx:dep/versions/1')
    assert st == 422 and b['error_code'] == 42206, b


def _rec_with_default(ftype, default):
    return json.dumps({'type': 'record', 'name': 'D',
                       'fields': [{'name': 'f', 'type': ftype, 'default': default}]})


NPE = 'Cannot invoke "Object.getClass()" because "datum" is null'

BAD_DEFAULTS = [
    ('int', 'x', '"x" not a "int"'),
    ('int', 1.5, '1.5 not a "int"'),
    ('int', 3000000000, '3000000000 not a "int"'),
    ('long', 'x', '"x" not a "long"'),
    ('double', True, 'true not a "double"'),
    ('string', 1, '1 not a "string"'),
    ('boolean', 'true', '"true" not a "boolean"'),
    ('null', 0, '0 not a "null"'),
    ('bytes', 1, '1 not a "bytes"'),
    (['string', 'null'], None, 'null not a ["string","null"]'),
    # An array or map holding a wrong-typed value stops earlier: the lookup
    # registerOrForward does first normalizes without validating, and
    # AvroSchemaUtils.genJson meets the null Avro's JacksonUtils made of it.
    ({'type': 'array', 'items': 'int'}, ['a'], NPE),
    ({'type': 'map', 'values': 'int'}, {'k': 'v'}, NPE),
    ({'type': 'enum', 'name': 'E', 'symbols': ['A']}, 1,
     '1 not a {"type":"enum","name":"E","symbols":["A"]}'),
    ({'type': 'fixed', 'name': 'F', 'size': 2}, 1, '1 not a {"type":"fixed","name":"F","size":2}'),
    ({'type': 'record', 'name': 'N', 'fields': [{'name': 'a', 'type': 'int'}]}, {},
     '{} not a {"type":"record","name":"N","fields":[{"name":"a","type":"int"}]}'),
]

GOOD_DEFAULTS = [
    ('int', 7), ('long', 3000000000), ('double', 1), ('float', '1.5'), ('string', 'x'),
    (['null', 'string'], None), ({'type': 'enum', 'name': 'E', 'symbols': ['A']}, 'B'),
    ({'type': 'record', 'name': 'N', 'fields': [{'name': 'a', 'type': 'int', 'default': 1}]}, {}),
]


def test_defaults_validated_on_the_normalize_path(schemad):
    """AvroSchemaProvider parses with validateDefaults when normalize and
    the schema is new: a wrong-typed default is a 42201 with Java Avro's
    message; the plain path, lookups and imports take it as written."""
    d = schemad
    for i, (ftype, default, words) in enumerate(BAD_DEFAULTS):
        schema = _rec_with_default(ftype, default)
        st, b = d.request('POST', '/subjects/bad%d/versions?normalize=true' % i, {'schema': schema})
        assert st == 422 and b['error_code'] == 42201, (ftype, b)
        want = words if words == NPE else 'Invalid default for field f: ' + words
        assert b['message'].endswith('details: ' + want), (want, b['message'])
        st, b = d.request('POST', '/compatibility/subjects/bad%d/versions/latest?normalize=true' % i,
                          {'schema': schema})
        assert st in (404, 422), b
        # The plain path accepts it, and a normalized lookup finds nothing wrong.
        st, b = d.request('POST', '/subjects/bad%d/versions' % i, {'schema': schema})
        assert st == 200, (ftype, b)
        st, b = d.request('POST', '/subjects/bad%d?normalize=true' % i, {'schema': schema})
        if words == NPE:
            assert (st, b['error_code']) == (422, 42201) and b['message'].endswith(NPE), b
        else:
            assert st in (200, 404) and b.get('error_code') != 42201, b
    for i, (ftype, default) in enumerate(GOOD_DEFAULTS):
        schema = _rec_with_default(ftype, default)
        st, b = d.request('POST', '/subjects/good%d/versions?normalize=true' % i, {'schema': schema})
        assert st == 200, (ftype, default, b)
    # The config's normalize=true is the same path.
    assert d.request('PUT', '/config/cfgnorm', {'normalize': True})[0] == 200
    st, b = d.request('POST', '/subjects/cfgnorm/versions', {'schema': _rec_with_default('int', 'x')})
    assert st == 422 and b['error_code'] == 42201, b
