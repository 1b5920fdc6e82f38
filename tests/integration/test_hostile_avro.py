"""Avro schemas a client sizes to hurt: tens of thousands of enum symbols,
record fields and union branches are registered and checked for
compatibility in linear time, on the master and on the worker that
canonicalizes the body itself, while reads on that worker go on; and a
schema text is the whole string, NUL bytes included."""

import http.client
import json
import multiprocessing
import os
import time

import pytest

from schemad_proc import Schemad

CT = 'application/vnd.schemaregistry.v1+json'


@pytest.fixture
def one_worker(tmp_path):
    """One worker, so that every connection lands on the worker under test."""
    d = Schemad(tmp_path / 'schemad', settings={'workers': '1'})
    d.start()
    yield d
    d.stop()


def big_enum(n, skip=None):
    syms = ['S%d' % i for i in range(n) if i != skip]
    return json.dumps({'type': 'enum', 'name': 'E', 'symbols': syms})


def big_record(n, ftype):
    fields = [{'name': 'f%d' % i, 'type': ftype} for i in range(n)]
    return json.dumps({'type': 'record', 'name': 'R', 'fields': fields})


def big_union(n, extra_field=False):
    branches = ['null']
    for i in range(n):
        fields = [{'name': 'a', 'type': 'int'}]
        if extra_field:
            fields.append({'name': 'b', 'type': 'string', 'default': ''})
        branches.append({'type': 'record', 'name': 'n.R%d' % i, 'fields': fields})
    return json.dumps(branches)


def register(d, subject, schema):
    """Registers with room for a slow (sanitizer) build on a busy machine."""
    return d.request('POST', '/subjects/%s/versions' % subject, {'schema': schema}, timeout=300)


def timed(fn, *args, **kw):
    t0 = time.monotonic()
    out = fn(*args, **kw)
    return out, time.monotonic() - t0


def read_loop(port, path, stop, out):
    """Reads a hot key over and over (bounded), keeping the slowest answer.
    A process of its own: in a thread, the test's json.loads of a large
    answer would hold the GIL and count as the daemon's delay."""
    def get():
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
        try:
            c.request('GET', path)
            r = c.getresponse()
            r.read()
            return r.status
        finally:
            c.close()

    worst, count, bad = 0.0, 0, []
    deadline = time.monotonic() + 600
    while not stop.is_set() and time.monotonic() < deadline:
        st, dt = timed(get)
        if st != 200:
            bad.append(st)
        worst = max(worst, dt)
        count += 1
    out.put((worst, count, bad))


class Reader:
    def __init__(self, d, path):
        ctx = multiprocessing.get_context('fork')
        self.stop_event, self.queue = ctx.Event(), ctx.Queue()
        self.proc = ctx.Process(target=read_loop, args=(d.port, path, self.stop_event, self.queue))
        self.worst, self.count, self.bad = 0.0, 0, []

    def start(self):
        self.proc.start()

    def stop(self):
        self.stop_event.set()
        self.worst, self.count, self.bad = self.queue.get(timeout=60)
        self.proc.join(30)


CASES = [
    # subject, first version, second (compatible) version
    ('enum', big_enum(60000, skip=59999), big_enum(60000)),
    ('fields', big_record(100000, 'int'), big_record(100000, 'long')),
    ('union', big_union(10000), big_union(10000, extra_field=True)),
]


@pytest.mark.parametrize('subject,v1,v2', CASES, ids=[c[0] for c in CASES])
def test_large_schema_register_and_check(one_worker, subject, v1, v2):
    d = one_worker
    assert d.register('hot', '"string"') == (200, {'id': 1})
    reader = Reader(d, '/schemas/ids/1')
    reader.start()
    try:
        (st, body), t_reg = timed(register, d, subject, v1)
        assert st == 200, body
        # The same body again: the worker canonicalizes it and answers from the table.
        (st2, body2), t_again = timed(register, d, subject, v1)
        assert (st2, body2) == (200, body)
        path = '/compatibility/subjects/%s/versions/latest?verbose=true' % subject
        (st, compat), t_compat = timed(d.request, 'POST', path, {'schema': v2}, timeout=300)
        assert (st, compat.get('is_compatible')) == (200, True), compat
        (st, body3), t_reg2 = timed(register, d, subject, v2)
        assert st == 200 and body3['id'] == body['id'] + 1, body3
        # The first version as the reader of the second: for the fields
        # (long to int) one difference per field, for the enum a missing
        # symbol; the check still answers at once.
        (st, back), t_back = timed(d.request, 'POST', path, {'schema': v1}, timeout=300)
        assert st == 200, back
        if subject == 'fields':
            assert back['is_compatible'] is False and len(back["messages"]) == 100000 + 3
    finally:
        reader.stop()
    print('%s: %d bytes; register %.3fs, again %.3fs, compat %.3fs, register v2 %.3fs, '
          'compat back %.3fs; %d reads, slowest %.3fs'
          % (subject, len(v1), t_reg, t_again, t_compat, t_reg2, t_back,
             reader.count, reader.worst))
    assert reader.bad == []
    assert reader.count > 0
    # Reads on the worker wait at most for its own (linear) work on the large
    # body, never for the master's parse and check: well under a second, a
    # few under sanitizers (scripts/test.sh sets ASAN_OPTIONS for that build).
    limit = 4.0 if os.environ.get('ASAN_OPTIONS') else 1.0
    assert reader.worst < limit, reader.worst


def test_duplicates_in_large_schemas(one_worker):
    d = one_worker
    syms = ['S%d' % i for i in range(100000)] + ['S99999']
    st, body = register(d, 'dup', json.dumps({'type': 'enum', 'name': 'E', 'symbols': syms}))
    assert st == 422 and body['error_code'] == 42201
    assert body['message'].endswith('details: Duplicate enum symbol: S99999')
    fields = [{'name': 'f%d' % i, 'type': 'int'} for i in range(100000)]
    fields.append({'name': 'f0', 'type': 'string'})
    st, body = register(d, 'dup', json.dumps({'type': 'record', 'name': 'R', 'fields': fields}))
    assert st == 422 and body['message'].endswith(
        'details: Duplicate field f0 in record R: f0 type:STRING pos:100000 and f0 type:INT pos:0.')
    st, body = register(d, 'dup', json.dumps(json.loads(big_union(10000)) + ['n.R5']))
    assert st == 422 and body['message'].endswith('details: Duplicate in union:n.R5')


def test_deep_nesting_is_refused(one_worker):
    d = one_worker
    n = 100000
    deep = '{"type":"array","items":' * n + '"int"' + '}' * n
    st, body = register(d, 'deep', deep)
    assert st == 422 and body['error_code'] == 42201, body
    assert body['message'].endswith(
        'details: com.fasterxml.jackson.core.exc.StreamConstraintsException: Document nesting depth '
        '(1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)')
    assert d.get('/health/ready')[0] == 200


def test_nul_does_not_end_the_schema(one_worker):
    d = one_worker
    text = '"int"\u0000garbage'
    st, body = d.register('nul', text)
    assert st == 422, body
    assert body['error_code'] == 42201
    msg = body['message']
    assert 'schema="int"\u0000garbage,schemaTags=null}' in msg, msg
    assert msg.endswith('details: dangling content after end of schema: garbage'), msg
    assert d.get('/subjects/nul/versions')[0] == 404
    # A lookup and a compatibility check see the same whole text.
    assert d.register('nul', '"int"') == (200, {'id': 1})
    st, body = d.request('POST', '/subjects/nul', {'schema': text})
    assert st == 422 and body['error_code'] == 42201, body
    assert body['message'].endswith('details: dangling content after end of schema: garbage')
    path = '/compatibility/subjects/nul/versions/latest'
    st, body = d.request('POST', path, {'schema': text})
    assert st == 422 and body['error_code'] == 42201, body
    st, body = d.request('POST', path + '?verbose=true', {'schema': text})
    assert st == 200 and body['is_compatible'] is False, body
    assert 'schema="int"\u0000garbage,' in body['messages'][0], body
    # NUL and other control characters around a schema are blank, as Java's trim() sees them.
    st, body = d.register('nul', '"int"\u0000')
    assert (st, body) == (200, {'id': 1})
    st, body = d.register('other', '\u0000\u0001 ')
    assert (st, body) == (422, {'error_code': 42201, 'message': 'Empty schema'})


def test_escaped_nul_inside_the_schema_is_a_character(one_worker):
    """An escaped NUL inside the schema's JSON is a character to Jackson:
    Java Avro 1.11.4 keeps it in docs, namespaces, field aliases and
    defaults (and writes it back as \\u0000), and its name rules refuse a
    name or a symbol that holds one, naming it whole.  Nothing is cut at
    the NUL: a type named "int\\u0000" is not "int"."""
    d = one_worker
    text = ('{"type":"record","name":"Nul","namespace":"n\\u0000s","doc":"a\\u0000b",'
            '"fields":[{"name":"f","type":"string","doc":"x\\u0000","default":"d\\u0000e",'
            '"aliases":["g\\u0000"]},{"name":"self","type":["null","n\\u0000s.Nul"]}]}')
    st, body = d.register('nul-doc', text)
    assert st == 200, body
    sid = body['id']
    st, got = d.get('/schemas/ids/%d' % sid)
    # Java writes a name of the enclosing namespace short.
    assert st == 200 and got['schema'] == text.replace('"n\\u0000s.Nul"', '"Nul"'), got
    st, got = d.request('POST', '/subjects/nul-doc', {'schema': text})
    assert st == 200 and got['id'] == sid, got
    # The same text without the NUL is another schema.
    other = text.replace('a\\u0000b', 'ab')
    st, got = d.request('POST', '/subjects/nul-doc', {'schema': other})
    assert st == 404, got
    path = '/compatibility/subjects/nul-doc/versions/latest?verbose=true'
    st, got = d.request('POST', path, {'schema': text.replace('"d\\u0000e"', '"z"')})
    assert st == 200 and got['is_compatible'] is True, got
    st, got = d.request('POST', path, {'schema': text.replace(
        '"Nul","namespace"', '"Nul2","namespace"').replace('n\\u0000s.Nul"', 'n\\u0000s.Nul2"')})
    assert st == 200 and got['is_compatible'] is False and got['messages'], got
    assert any('n\x00s.Nul' in m for m in got['messages']), got

    def refused(schema, details):
        st, body = d.register('nul-bad', schema)
        assert st == 422 and body['error_code'] == 42201, body
        assert body['message'].endswith('details: ' + details), body['message']
    refused('{"type":"record","name":"a\\u0000b","fields":[]}', 'Illegal character in: a\x00b')
    refused('{"type":"enum","name":"E","symbols":["A\\u0000"]}', 'Illegal character in: A\x00')
    refused('{"type":"record","name":"R","fields":[{"name":"f\\u0000x","type":"int"}]}',
            'Illegal character in: f\x00x')
    # Names.get() makes a Name of a reference before looking it up.
    refused('"int\\u0000"', 'Illegal character in: int\x00')
    refused('{"type":"record","name":"R","fields":[{"name":"f","type":"int\\u0000"}]}',
            'Illegal character in: int\x00')
    assert d.get('/subjects/nul-bad/versions')[0] == 404
    assert d.get('/health/ready')[0] == 200


def test_shared_references_are_walked_once(one_worker):
    """Each schema references the one before twice: walking every path
    would cost 2^depth; each schema is collected once."""
    d = one_worker
    prev = None
    for k in range(30):
        fields = [{'name': 'x', 'type': 'int'}]
        refs = []
        if prev is not None:
            fields.append({'name': 'p', 'type': prev})
            refs = [{'name': prev, 'subject': 'chain%d' % (k - 1), 'version': 1},
                    {'name': prev + 'b', 'subject': 'chain%d' % (k - 1), 'version': 1}]
        schema = json.dumps({'type': 'record', 'name': 'C%d' % k, 'fields': fields})
        (st, body), dt = timed(d.register, 'chain%d' % k, schema, references=refs)
        assert st == 200, body
        # Linear: milliseconds.  Walking every path: minutes by k = 30.
        assert dt < 5, (k, dt)
        path = '/compatibility/subjects/chain%d/versions/latest' % k
        st, body = d.request('POST', path, {'schema': schema, 'references': refs})
        assert (st, body) == (200, {'is_compatible': True})
        prev = 'C%d' % k
