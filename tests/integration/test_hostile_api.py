"""Hostile requests to the API: odd bytes in paths, fields the planner must
refuse, and edits whose cost must stay linear.  Each test asserts that the
master survives (same pid), that the answer is Confluent's JSON, and that
every acknowledged write is still there, with its id, after a restart."""

import json
import random
import time
import urllib.parse

from schemad_proc import Schemad, avro_record

FFFD = '\ufffd'


def _master_alive(d, pid):
    assert d.proc.poll() is None, d.log_text()
    assert d.proc.pid == pid
    st, _ = d.get('/subjects')
    assert st == 200


def _is_error(body, status):
    return (isinstance(body, dict) and isinstance(body.get('error_code'), int)
            and isinstance(body.get('message'), str)) or status < 400


def test_invalid_utf8_subjects_on_every_write(tmp_path):
    d = Schemad(tmp_path / 's').start()
    pid = d.proc.pid
    rec = avro_record('R', [('a', 'int')])
    steps = [
        ('PUT', '/mode/%FF', {'mode': 'READWRITE'}),
        ('PUT', '/mode', {'mode': 'READWRITE'}),
        ('PUT', '/mode/%FF', {'mode': 'READONLY'}),
        ('PUT', '/config/%FF', {'compatibility': 'NONE'}),
        ('DELETE', '/mode/%C1', None),
        ('POST', '/contexts/.ctx1/subjects/%C0%80/versions', {'schema': rec}),
        ('POST', '/subjects/%ED%A0%80/versions', {'schema': rec}),
        ('POST', '/subjects/a%E2%82/versions', {'schema': rec}),
        ('DELETE', '/config/%FF', None),
        ('DELETE', '/subjects/a%E2%82', None),
    ]
    for method, path, body in steps:
        st, b = d.request(method, path, body)
        assert _is_error(b, st), (method, path, st, b)
        _master_alive(d, pid)
    # Jersey's decoding: each malformed sequence is one U+FFFD.
    st, subjects = d.get('/subjects?subjectPrefix=:*:&deleted=true')
    assert st == 200
    assert ':.ctx1:' + FFFD * 2 in subjects, subjects
    assert FFFD in subjects
    st, v = d.get('/subjects/%EF%BF%BD/versions/1')
    assert st == 200 and v['subject'] == FFFD
    d.restart()
    st, again = d.get('/subjects?subjectPrefix=:*:&deleted=true')
    assert sorted(again) == sorted(subjects)
    d.stop()


def test_random_bytes_in_subjects_lose_nothing(tmp_path):
    """Random byte strings as subjects: every answer is JSON, the master
    never dies, and every acknowledged registration is readable after a
    restart with the id it was given."""
    d = Schemad(tmp_path / 's').start()
    pid = d.proc.pid
    rnd = random.Random(7)
    acked = {}
    for i in range(300):
        raw = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 8)))
        path = '/subjects/%s/versions' % urllib.parse.quote(raw, safe='')
        if rnd.random() < 0.3:
            path = '/contexts/.c%d%s' % (i % 3, path)
        schema = avro_record('R%d' % i, [('f', 'int')])
        st, b = d.request('POST', path, {'schema': schema})
        assert _is_error(b, st), (path, st, b)
        if st == 200:
            acked[path] = (b['id'], schema)
    _master_alive(d, pid)
    assert len(acked) > 100   # the rest: control characters (42208), same subject (409)
    d.restart()
    for path, (sid, schema) in acked.items():
        st, b = d.request('POST', path.replace('/versions', ''), {'schema': schema})
        assert st == 200 and b['id'] == sid, (path, st, b)
    d.stop()


def test_tags_with_a_wrong_rule_set_write_nothing(schemad):
    d = schemad
    rec = avro_record('T', [('a', 'int')])
    st, b = d.register('c', rec)
    assert st == 200
    first = b['id']
    for field, value in (('ruleSet', 'x'), ('rulesToMerge', 1), ('ruleSet', [1]),
                         ('ruleSet', {'domainRules': [{'name': 'r', 'kind': 'NOPE'}]})):
        st, b = d.request('POST', '/subjects/c/versions/latest/tags', {field: value})
        assert st in (400, 422), (field, value, st, b)
        assert isinstance(b['error_code'], int) and b['message'], b
    st, versions = d.get('/subjects/c/versions')
    assert versions == [1]
    # The next registration takes the next id: nothing was handed out.
    st, b = d.register('c2', avro_record('U', [('b', 'int')]))
    assert st == 200 and b['id'] == first + 1
    # A well-formed rule set still works.
    rs = {'domainRules': [{'name': 'r1', 'kind': 'CONDITION', 'mode': 'WRITE',
                           'type': 'CEL', 'expr': 'true'}]}
    st, b = d.request('POST', '/subjects/c/versions/latest/tags', {'ruleSet': rs})
    assert st == 200, b
    st, v = d.get('/subjects/c/versions/latest')
    assert v['version'] == 2 and v['ruleSet']['domainRules'][0]['name'] == 'r1'


def test_many_tag_edits_cost_linear_time(schemad):
    """A schema of 3,000 fields and 3,000 tag edits (each with 50 tags):
    pairwise work would be billions of steps."""
    d = schemad
    n = 3000
    rec = avro_record('Big', [('f%d' % i, 'int') for i in range(n)], namespace='ns')
    st, _ = d.register('big', rec)
    assert st == 200
    tags = ['t%d' % k for k in range(50)]
    edits = [{'schemaEntity': {'entityPath': 'ns.Big.f%d' % i, 'entityType': 'sr_field'},
              'tags': tags} for i in range(n)]
    removes = [{'schemaEntity': {'entityPath': 'Big.f%d' % i, 'entityType': 'sr_field'},
                'tags': tags[:25]} for i in range(n)]
    t0 = time.time()
    st, b = d.request('POST', '/subjects/big/versions/latest/tags',
                      {'tagsToAdd': edits, 'tagsToRemove': removes}, timeout=60)
    took = time.time() - t0
    assert st == 200, b
    st, v = d.get('/subjects/big/versions/latest')
    fields = json.loads(v['schema'])['fields']
    assert fields[0]['confluent:tags'] == tags[25:]
    assert fields[-1]['confluent:tags'] == tags[25:]
    # Generous: linear work is well under a second even on a loaded box.
    assert took < 15, took


def test_repeated_query_parameters_take_the_first(schemad):
    d = schemad
    st, _ = d.register('gone', avro_record('G', [('a', 'int')]))
    assert st == 200
    st, _ = d.request('DELETE', '/subjects/gone')
    assert st == 200
    st, b = d.get('/subjects?deleted=true&deleted=false')
    assert 'gone' in b
    st, b = d.get('/subjects?deleted=false&deleted=true')
    assert 'gone' not in b
    # permanent=false first: a second soft delete, not a hard one.
    st, b = d.request('DELETE', '/subjects/gone?permanent=false&permanent=true')
    assert st == 404 and b['error_code'] == 40404, b
    st, b = d.request('DELETE', '/subjects/gone?permanent=true&permanent=false')
    assert st == 200 and b == [1]


def test_shared_references_cost_their_size_not_their_paths(schemad):
    """Level k has two records that both reference both records of level
    k-1: 2^k paths through 2k schemas.  Walking every path (as the old
    collector did) never ends; each schema is collected once."""
    d = schemad
    levels = 26
    prev = []
    for k in range(levels):
        for name in ('A%d' % k, 'B%d' % k):
            fields = [{'name': 'x', 'type': 'int'}]
            refs = []
            for i, p in enumerate(prev):
                fields.append({'name': 'f%d' % i, 'type': p})
                refs.append({'name': p, 'subject': p, 'version': 1})
            schema = json.dumps({'type': 'record', 'name': name, 'fields': fields})
            t0 = time.time()
            st, b = d.request('POST', '/subjects/%s/versions' % name,
                              {'schema': schema, 'references': refs}, timeout=60)
            assert st == 200, (name, b)
            assert time.time() - t0 < 10, name
        prev = ['A%d' % k, 'B%d' % k]
    # A compatibility check and a lookup walk the same graph.
    top = 'A%d' % (levels - 1)
    st, v = d.get('/subjects/%s/versions/1' % top)
    body = {'schema': v['schema'], 'references': v['references']}
    st, b = d.request('POST', '/compatibility/subjects/%s/versions/latest' % top, body,
                      timeout=60)
    assert st == 200 and b['is_compatible'] is True, b
    st, b = d.request('POST', '/subjects/%s' % top, body, timeout=60)
    assert st == 200 and b['version'] == 1, b


# ---- answers independent of the hash maps' random keys ----------------------

def _populate(d):
    """Writes whose answers list or pick from the store's maps: subjects in
    many contexts, id 1 in each of them with a text of its own, references,
    soft deletes.  The default context stays empty, so that an id asked
    with an unqualified subject is looked for in every context."""
    for c in range(24):
        rec = avro_record('R%d' % c, [('a', 'int')])
        for s in ('s', 'x%d' % c):
            st, _ = d.register(':.c%02d:%s' % (c, s), rec)
            assert st == 200
    for i in range(30):
        st, _ = d.register(':.c00:plain%02d' % i, avro_record('P%d' % i, [('b', 'long')]))
        assert st == 200
    ref = {'name': 'P0', 'subject': 'plain00', 'version': 1}
    for i in range(6):
        st, _ = d.register(':.c00:user%d' % i, avro_record('U%d' % i, [('r', 'P0')]),
                           references=[ref])
        assert st == 200, _
    st, _ = d.request('DELETE', '/subjects/:.c00:plain05')
    assert st == 200


_ORDER_PATHS = [
    '/subjects', '/subjects?deleted=true', '/subjects?subjectPrefix=:*:',
    '/contexts', '/schemas', '/schemas?deleted=true', '/schemas?subjectPrefix=:.c0', '/schemas?subjectPrefix=:*:',
    '/schemas/ids/1?subject=s', '/schemas/ids/1/subjects?subject=s',
    '/schemas/ids/1/versions?subject=s', '/subjects/:.c00:plain00/versions/1/referencedby',
    '/config', '/mode',
]


def _answers(d):
    out = {}
    for p in _ORDER_PATHS:
        out[p] = d.request('GET', p)
    st, latest = d.get('/subjects/:.c03:s/versions/latest')
    assert st == 200
    out['guid ids'] = d.get('/schemas/guids/%s/ids' % latest['guid'])
    return out


def test_answers_do_not_depend_on_hash_keys(tmp_path):
    """Every map draws a random hash key, so their order differs between
    runs and nodes; what a client reads must not.  Two daemons fed the same
    writes, and one of them restarted (a third order), answer alike."""
    runs = []
    first = None
    for n in range(2):
        d = Schemad(tmp_path / ('s%d' % n), {'confluent.version': '8'}).start()
        _populate(d)
        runs.append(_answers(d))
        if n == 0:
            first = d
        else:
            d.stop()
    first.restart()
    runs.append(_answers(first))
    first.stop()
    assert 'R0' in runs[0]['/schemas/ids/1?subject=s'][1]['schema']
    for p, (st, body) in runs[0].items():
        assert st == 200, (p, body)
        for other in runs[1:]:
            assert other[p] == (st, body), p
