"""The daemon as it runs in production, on the file journal: HTTP/1.1 and
h2c, restart and recovery, workers killed and replaced, reload, drain,
readiness, configuration checks."""

import json
import os
import signal
import socket
import subprocess
import threading
import time


from schemad_proc import Schemad, avro_record, free_port, schemad_bin

USER = avro_record('User', [('id', 'int'), ('name', 'string'), ('email', 'string')],
                   namespace='ssup2.com')


def test_register_and_read_http1(schemad):
    st, body = schemad.register('user', USER)
    assert (st, body) == (200, {'id': 1})
    # Same schema, any subject: same id.
    assert schemad.register('user', USER) == (200, {'id': 1})
    assert schemad.register('other', USER) == (200, {'id': 1})
    st, body = schemad.get('/schemas/ids/1')
    assert st == 200 and json.loads(body['schema'])['name'] == 'User'
    st, body = schemad.get('/subjects/user/versions/latest')
    assert st == 200
    assert (body['subject'], body['version'], body['id']) == ('user', 1, 1)
    assert schemad.get('/subjects') == (200, ['other', 'user'])
    assert schemad.get('/subjects/user/versions') == (200, [1])
    st, body = schemad.request('POST', '/subjects/user', {'schema': USER})
    assert st == 200 and body['version'] == 1 and body['id'] == 1
    assert schemad.get('/schemas/types') == (200, ['JSON', 'PROTOBUF', 'AVRO'])
    assert schemad.get('/nope') == (404, {'error_code': 404, 'message': 'HTTP 404 Not Found'})
    assert schemad.get('/subjects/missing/versions') == (
        404, {'error_code': 40401, 'message': "Subject 'missing' not found."})
    assert schemad.get('/schemas/ids/99') == (
        404, {'error_code': 40403, 'message': 'Schema 99 not found'})


def _curl(args):
    out = subprocess.run(['curl', '-s', '-w', '\\n%{http_version} %{http_code}'] + args,
                         stdout=subprocess.PIPE, text=True, timeout=30, check=True)
    body, _, tail = out.stdout.rpartition('\n')
    version, code = tail.split()
    return version, int(code), body


def test_h2c_prior_knowledge(schemad):
    schemad.register('user', USER)
    version, code, body = _curl(['--http2-prior-knowledge',
                                 schemad.url + '/schemas/ids/1'])
    assert (version, code) == ('2', 200)
    assert json.loads(json.loads(body)['schema'])['name'] == 'User'
    # A write over h2c goes through the master and answers the same.
    version, code, body = _curl(['--http2-prior-knowledge', '-X', 'POST',
                                 '-H', 'Content-Type: application/vnd.schemaregistry.v1+json',
                                 '-d', json.dumps({'schema': '"string"'}),
                                 schemad.url + '/subjects/s2/versions'])
    assert (version, code, json.loads(body)) == ('2', 200, {'id': 2})


def test_restart_recovers_everything(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    d.request('PUT', '/config', {'compatibility': 'NONE'})
    ids = {}
    for i in range(50):
        st, body = d.register('sub-%d' % (i % 7), avro_record('R%d' % i, [('f', 'int')]))
        assert st == 200
        ids[i] = body['id']
    d.request('PUT', '/config/sub-1', {'compatibility': 'NONE'})
    d.request('DELETE', '/subjects/sub-2/versions/1')
    before = {p: d.get(p) for p in ('/subjects', '/subjects/sub-0/versions',
                                     '/subjects/sub-2/versions', '/config/sub-1',
                                     '/schemas/ids/17', '/subjects/sub-3/versions/latest')}
    assert d.stop() == 0
    d.start()
    after = {p: d.get(p) for p in before}
    assert after == before
    # New ids continue above the highest seen.
    st, body = d.register('new', avro_record('Fresh', [('f', 'int')]))
    assert body['id'] == max(ids.values()) + 1
    d.stop()


def test_torn_tail_is_truncated(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    d.register('a', avro_record('A', [('f', 'int')]))
    d.register('b', avro_record('B', [('f', 'int')]))
    d.stop()
    path = os.path.join(d.data_dir, 'schemas.journal')
    size = os.path.getsize(path)
    with open(path, 'r+b') as f:
        f.truncate(size - 5)
    d.start()
    assert d.get('/subjects') == (200, ['a'])
    # Id 2 was in the cut record: it is not given again.
    st, body = d.register('c', avro_record('C', [('f', 'int')]))
    assert st == 200 and body['id'] > 2
    d.stop()


def test_table_is_read_only_in_workers(schemad):
    pids = schemad.worker_pids()
    assert len(pids) == 2
    for pid in pids:
        with open('/proc/%d/maps' % pid) as f:
            maps = [l for l in f if 'schemad-table' in l]
        assert maps and all(l.split()[1] == 'r--s' for l in maps), maps
    with open('/proc/%d/maps' % schemad.proc.pid) as f:
        assert any('schemad-table' in l and l.split()[1] == 'rw-s' for l in f)


def _load(d, stop, results, paths):
    """New connection per request, so only requests in flight on a killed
    worker can fail."""
    import http.client
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        try:
            # Generous: a loaded CI machine may stall a reload for seconds;
            # what matters is that no request fails.
            c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=30)
            c.request('GET', path)
            r = c.getresponse()
            r.read()
            c.close()
            results.append(r.status)
        except OSError as e:
            results.append(repr(e))


def test_killed_worker_is_replaced_under_load(schemad):
    schemad.register('user', USER)
    stop = threading.Event()
    results = []
    threads = [threading.Thread(target=_load, args=(schemad, stop, results,
                                                    ['/schemas/ids/1', '/subjects/user/versions/latest',
                                                     '/subjects']))
               for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1)
    victim = schemad.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    time.sleep(2)
    stop.set()
    for t in threads:
        t.join()
    pids = schemad.worker_pids()
    assert len(pids) == 2 and victim not in pids
    failed = [r for r in results if r != 200]
    # At most the requests that were in flight on the killed worker.
    assert len(failed) <= len(threads), failed[:10]
    assert len(results) > 200


def test_sighup_replaces_workers_without_dropping(schemad):
    schemad.register('user', USER)
    before = schemad.worker_pids()
    stop = threading.Event()
    results = []
    threads = [threading.Thread(target=_load, args=(schemad, stop, results, ['/schemas/ids/1']))
               for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    schemad.proc.send_signal(signal.SIGHUP)
    time.sleep(2)
    stop.set()
    for t in threads:
        t.join()
    after = schemad.worker_pids()
    assert len(after) == 2 and not set(before) & set(after)
    assert [r for r in results if r != 200] == []
    assert schemad.get('/schemas/ids/1')[0] == 200


def test_sigterm_drains_and_exits_zero(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    d.register('user', USER)
    results = []

    def slow_writes():
        for i in range(20):
            results.append(d.register('w', avro_record('W%d' % i, [('f', 'int')]), )[0])
    d.request('PUT', '/config/w', {'compatibility': 'NONE'})
    t = threading.Thread(target=slow_writes)
    t.start()
    time.sleep(0.05)
    rc = d.stop()
    t.join()
    assert rc == 0
    # Whatever was acknowledged is there after a restart.
    acked = results.count(200)
    d.start()
    st, versions = d.get('/subjects/w/versions')
    assert (st == 200 and len(versions) >= acked) or acked == 0
    d.stop()


def test_sd_notify_ready_after_replay(tmp_path):
    sock_path = str(tmp_path / 'notify.sock')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sock_path)
    s.settimeout(30)
    d = Schemad(tmp_path / 'd', env={'NOTIFY_SOCKET': sock_path})
    d.start(wait=False)
    msg = s.recv(4096).decode()
    assert 'READY=1' in msg
    st, _ = d.get('/health/ready')
    assert st == 200
    d.proc.send_signal(signal.SIGHUP)
    msgs = [s.recv(4096).decode() for _ in range(2)]
    assert 'RELOADING=1' in msgs[0] and 'READY=1' in msgs[1]
    d.stop()
    assert 'STOPPING=1' in s.recv(4096).decode()
    s.close()


def _run(args, env=None):
    return subprocess.run([schemad_bin()] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=30, env=env)


def test_command_line(tmp_path):
    r = _run(['--version'])
    assert r.returncode == 0 and r.stdout.startswith('schemad ')
    r = _run(['--help'])
    assert r.returncode == 0 and '-t' in r.stdout
    good = tmp_path / 'good.properties'
    good.write_text('listeners=http://127.0.0.1:18999\ndata.dir=%s\n' % tmp_path)
    assert _run(['-t', '-c', str(good)]).returncode == 0
    bad = tmp_path / 'bad.properties'
    bad.write_text('listeners=http://127.0.0.1:18999\nno.such.setting=1\n')
    r = _run(['-t', '-c', str(bad)])
    assert r.returncode != 0 and 'no.such.setting' in r.stderr
    r = _run(['-c', str(bad)])
    assert r.returncode != 0 and 'no.such.setting' in r.stderr
    r = _run(['-t', '-c', str(good)],
             env=dict(os.environ, SCHEMA_REGISTRY_WORKERS='many'))
    assert r.returncode != 0 and 'SCHEMA_REGISTRY_WORKERS' in r.stderr


def test_port_in_use_is_a_clear_error(tmp_path):
    busy = socket.socket()
    busy.bind(('127.0.0.1', 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    d = Schemad(tmp_path / 'd', port=port)
    d.write_config()
    r = _run(['-c', d.config])
    busy.close()
    assert r.returncode != 0 and str(port) in r.stderr


def test_unwritable_data_dir_is_a_clear_error(tmp_path):
    d = Schemad(tmp_path / 'd', {'data.dir': '/proc/nonexistent-dir'})
    d.write_config()
    r = _run(['-c', d.config])
    assert r.returncode != 0 and '/proc/nonexistent-dir' in r.stderr


def test_https_with_alpn(tmp_path):
    from kafka_broker import make_tls_files
    ca, keystore = make_tls_files(str(tmp_path / 'tls'))
    port = free_port()
    d = Schemad(tmp_path / 'd', {
        'listeners': 'http://127.0.0.1:%d,https://127.0.0.1:%d' % (free_port(), port),
        'ssl.certificate.location': str(tmp_path / 'tls' / 'server.pem'),
        'ssl.key.location': str(tmp_path / 'tls' / 'server.key'),
    })
    d.port = int(d.settings['listeners'].split(',')[0].rsplit(':', 1)[1])
    d.start()
    d.register('user', USER)
    url = 'https://127.0.0.1:%d/schemas/ids/1' % port
    version, code, body = _curl(['--cacert', ca, '--http2', url])
    assert (version, code) == ('2', 200)
    version, code, body = _curl(['--cacert', ca, '--http1.1', url])
    assert (version, code) == ('1.1', 200)
    assert json.loads(json.loads(body)['schema'])['name'] == 'User'
    d.stop()


def test_https_with_a_pkcs12_keystore(tmp_path):
    from kafka_broker import P12_PASSWORD, make_tls_files
    ca, _ = make_tls_files(str(tmp_path / 'tls'))
    port = free_port()
    d = Schemad(tmp_path / 'd', {
        'listeners': 'http://127.0.0.1:%d,https://127.0.0.1:%d' % (free_port(), port),
        'ssl.keystore.location': str(tmp_path / 'tls' / 'keystore.p12'),
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.password': P12_PASSWORD,
        'ssl.key.password': P12_PASSWORD,
    })
    d.port = int(d.settings['listeners'].split(',')[0].rsplit(':', 1)[1])
    d.start()
    d.register('user', USER)
    url = 'https://127.0.0.1:%d/schemas/ids/1' % port
    version, code, body = _curl(['--cacert', ca, '--http2', url])
    assert (version, code) == ('2', 200)
    assert json.loads(json.loads(body)['schema'])['name'] == 'User'
    d.stop()
    # A wrong password is one clear error at start.
    d.settings['ssl.keystore.password'] = d.settings['ssl.key.password'] = 'wrong'
    d.write_config()
    r = _run(['-c', d.config])
    assert r.returncode != 0 and 'keystore.p12' in r.stderr and 'password' in r.stderr, r.stderr
    assert 'wrong' not in r.stderr.replace('wrong password', '')


def test_not_leader_answers_50004(tmp_path):
    d = Schemad(tmp_path / 'd', {'leader.eligibility': 'false'})
    d.start()
    assert d.register('user', USER) == (500, {'error_code': 50004, 'message': 'Leader not known.'})
    d.stop()


def test_table_answers_equal_the_masters(schemad):
    """What workers serve from the shared table is byte for byte what the
    master answers (an unknown query parameter sends a read to the master,
    which ignores it, as Confluent does)."""
    schemad.request('PUT', '/config', {'compatibility': 'NONE'})
    for i in range(5):
        schemad.register('s%d' % (i % 3), avro_record('R%d' % i, [('f', 'int')]))
    schemad.request('DELETE', '/subjects/s1/versions/1')
    schemad.request('PUT', '/config/s2', {'compatibility': 'FULL'})
    schemad.request('PUT', '/mode/s0', {'mode': 'READONLY'})
    # A text that needs every kind of escape in a JSON literal: the worker
    # serves /schema by unescaping the literal it stores.
    doc = 'caf\u00e9 \u20ac \U0001F600 "quoted" back\\slash\nnew line\ttab \u0001 </'
    st, body = schemad.register('esc', json.dumps({'type': 'record', 'name': 'Esc', 'doc': doc,
                                                   'fields': [{'name': 'f', 'type': 'int'}]}))
    assert st == 200
    esc = '/schemas/ids/%d/schema' % body['id']
    st, text = schemad.get(esc)
    assert st == 200 and text['doc'] == doc
    paths = ['/schemas', '/subjects', '/config', '/mode', '/config/s2', '/mode/s0', esc,
             '/schemas/ids/1', '/schemas/ids/3/schema', '/subjects/s0/versions',
             '/subjects/s0/versions/latest', '/subjects/s1/versions/2',
             '/subjects/s2/versions/1']
    for p in paths:
        _assert_table_equals_master(schemad, p)


def _assert_table_equals_master(d, path):
    """GET path from the table (a worker) and from the master (an unknown
    query parameter, which the master ignores): the same bytes."""
    import http.client
    answers = []
    for q in ('', '?unknownParameter=1'):
        c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=10)
        c.request('GET', path + q)
        r = c.getresponse()
        answers.append((r.status, r.read()))
        c.close()
    assert answers[0] == answers[1], path
    return answers[0][0]


def _table_rss_kb(pid):
    """Resident KB of the shared table in a process (smaps)."""
    rss, inside = 0, False
    with open('/proc/%d/smaps' % pid) as f:
        for line in f:
            if '-' in line.split(' ', 1)[0]:
                inside = 'schemad-table' in line
            elif inside and line.startswith('Rss:'):
                rss += int(line.split()[1])
    return rss


def test_table_compacts_under_churn(tmp_path):
    """Every write leaves replaced answers behind in the table's arena
    (the subject and schema lists above all); with a small table.size the
    master must compact again and again.  Readers in the workers go on
    meanwhile and never see a wrong or missing answer, and the table stays
    exact and within its size, never falling back to the master."""
    d = Schemad(tmp_path / 'd', {'table.size': '1M'}).start()
    try:
        d.request('PUT', '/config', {'compatibility': 'NONE'})
        known = {}
        for i in range(40):
            st, body = d.register('s%d' % i, avro_record('R%d' % i, [('f%d' % i, 'int')]))
            known[body['id']] = None
        for sid in known:
            known[sid] = d.get('/schemas/ids/%d' % sid)
        failures, reads = [], [0]
        stop = threading.Event()

        def reader():
            import http.client
            c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=10)
            ids = sorted(known)
            while not stop.is_set():
                sid = ids[reads[0] % len(ids)]
                c.request('GET', '/schemas/ids/%d' % sid)
                r = c.getresponse()
                got = (r.status, json.loads(r.read()))
                reads[0] += 1
                if got != known[sid]:
                    failures.append((sid, got))
            c.close()

        t = threading.Thread(target=reader)
        t.start()
        try:
            for i in range(400):
                s = 's%d' % (i % 40)
                if i % 2:
                    d.request('PUT', '/config/' + s, {'compatibility': 'BACKWARD' if i % 4 == 1 else 'NONE'})
                else:
                    st, _ = d.register(s, avro_record('R%d' % (i % 40), [('f%d' % (i % 40), 'int'),
                                                                         ('g%d' % i, 'string')]))
                    assert st == 200
        finally:
            stop.set()
            t.join(30)
        log = d.log_text(200000)
        print('reads during the churn: %d; compactions: %d; table resident %d KB' % (
            reads[0], log.count('shared table compacted'), _table_rss_kb(d.proc.pid)))
        assert failures == [], failures[:3]
        assert reads[0] > 100
        assert log.count('shared table compacted') >= 3, log[-3000:]
        assert 'is full' not in log
        assert _table_rss_kb(d.proc.pid) <= 2 * 1024
        for p in ('/schemas', '/subjects', '/schemas/ids/1', '/subjects/s3/versions',
                  '/subjects/s5/versions/latest', '/config/s7', '/subjects/s0/versions/3',
                  '/schemas/ids/1/schema', '/subjects/s0/versions/1/schema',
                  '/subjects/s2/versions/latest/schema'):
            assert _assert_table_equals_master(d, p) == 200, p
        # The master keeps each text only in the table (parked): after the
        # compactions it still reads the old versions' texts right.
        d.request('PUT', '/config/s2', {'compatibility': 'BACKWARD_TRANSITIVE'})
        st, body = d.request('POST', '/compatibility/subjects/s2/versions?verbose=true',
                             {'schema': avro_record('R2', [('f2', 'string')])})
        assert st == 200 and body['is_compatible'] is False, body
        texts = [d.get('/subjects/s2/versions/%d/schema' % v)[1]
                 for v in d.get('/subjects/s2/versions')[1]]
        old = [m[len("{oldSchema: '"):-2] for m in body['messages']
               if m.startswith('{oldSchema: ')]
        assert old and json.loads(old[0]) in texts, (old, texts)
    finally:
        d.stop()


def test_large_registry_lists(schemad):
    """Past 1,024 subjects the subject list is rendered at most once a
    second and the schema list is left to the master; both stay exact.
    Subjects arrive out of name order, to exercise the kept order."""
    names = ['s%04d' % i for i in range(1030)]
    for i, name in enumerate(reversed(names)):
        st, _ = schemad.register(name, avro_record('R%d' % i, [('f', 'int')]))
        assert st == 200
    for name in ('a-first', 's0500b', 'zz-last'):
        st, _ = schemad.register(name, avro_record('X' + name.replace('-', '_'), [('f', 'int')]))
        assert st == 200
    want = sorted(names + ['a-first', 's0500b', 'zz-last'])
    time.sleep(1.1)
    schemad.register('zz-last', avro_record('Xzz_last', [('f', 'int')]))  # a publish after the window
    for attempt in range(2):
        assert _assert_table_equals_master(schemad, '/subjects') == 200
        st, subjects = schemad.get('/subjects')
        assert subjects == want
        st, schemas = schemad.get('/schemas')
        assert st == 200 and len(schemas) == len(want)
        assert [s['subject'] for s in schemas] == want
        assert _assert_table_equals_master(schemad, '/schemas') == 200
        time.sleep(1.1)
