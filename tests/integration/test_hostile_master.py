"""What clients and workers can do to the master: a worker that stops
reading its socket while answers are queued for it, clients that cancel
every request they send, and a flood of the reads only the master answers
(lists of a registry past the size kept in the shared table), each while a
writer registers.  Bounds are generous: the machine running the tests may be
small and busy."""

import http.client
import json
import os
import signal
import statistics
import threading
import time

import pytest

from h2mini import H2Conn
from schemad_proc import CT, RUNNING, Schemad, avro_record

TICK = os.sysconf('SC_CLK_TCK')
SUBJECTS = 6000     # past the 1,024 subjects up to which the table keeps the lists
PAD = 'x' * 300     # GET /schemas is then about 3 MB


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def post(conn, path, body):
    conn.request('POST', path, body=json.dumps(body), headers={'Content-Type': CT})
    r = conn.getresponse()
    return r.status, r.read()


def populate(d, n, conns=4):
    errors = []

    def run(k):
        c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=60)
        for i in range(k, n, conns):
            schema = json.loads(avro_record('Big%d' % i, [('f%d' % i, 'int')]))
            schema['doc'] = PAD
            st, body = post(c, '/subjects/big-%d/versions' % i, {'schema': json.dumps(schema)})
            if st != 200:
                errors.append((i, st, body))
                return
        c.close()
    ts = [threading.Thread(target=run, args=(k,)) for k in range(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors[:3]


def master_idle(d, quiet=0.3, limit=60):
    """Wait until the master used (almost) no CPU for `quiet` seconds."""
    end = time.monotonic() + limit
    last = cpu_seconds(d.proc.pid)
    while time.monotonic() < end:
        time.sleep(quiet)
        now = cpu_seconds(d.proc.pid)
        if now - last < 0.02:
            return
        last = now


class Writer(threading.Thread):
    """Registers new schemas one after the other until stopped; keeps each
    registration's latency and every answer that was not a 200."""

    def __init__(self, port, tag):
        super().__init__(daemon=True)
        self.port, self.tag = port, tag
        self.lat, self.bad = [], []
        self.halt = threading.Event()

    def run(self):
        c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        i = 0
        while not self.halt.is_set():
            t0 = time.monotonic()
            try:
                st, body = post(c, '/subjects/%s-%d/versions' % (self.tag, i),
                                {'schema': avro_record('W%s%d' % (self.tag, i), [('w', 'long')])})
            except OSError as e:
                st, body = 0, repr(e)
                c.close()
                c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
            self.lat.append(time.monotonic() - t0)
            if st != 200 or 'id' not in json.loads(body or b'{}'):
                self.bad.append((st, body))
            i += 1
            time.sleep(0.02)

    def finish(self):
        self.halt.set()
        self.join(90)
        assert not self.is_alive(), 'the writer is stuck'
        return self.lat


@pytest.fixture(scope='module')
def big(tmp_path_factory):
    d = Schemad(tmp_path_factory.mktemp('hostile'), {'workers': '2'})
    d.start()
    RUNNING.remove(d)   # shared by the module's tests: not stopped after each
    try:
        populate(d, SUBJECTS)
    except BaseException:
        d.stop()
        raise
    yield d
    d.stop()


def test_cancel_storm_costs_the_master_little(big):
    """1,000 GET /schemas, each reset (RST_STREAM) in the same write as its
    request, on one h2c connection: the master renders the list at most a
    few times (the cancelled ones it has not begun are dropped, the others
    are answered from the list kept since the last write); a writer beside
    it is answered promptly."""
    st, listing = big.get('/schemas')
    assert st == 200 and len(listing) >= SUBJECTS
    master_idle(big)
    w = Writer(big.port, 'cancel')
    c0 = cpu_seconds(big.proc.pid)
    w.start()
    h = H2Conn('127.0.0.1', big.port)
    for _ in range(1000):
        h.get_cancel('/schemas')
    sid = h.get('/schemas/types')
    got = h.wait(sid, 60)
    assert got is not None and got[0] == 200, got
    h.close()
    master_idle(big)
    lat = w.finish()
    cpu = cpu_seconds(big.proc.pid) - c0
    assert not w.bad, w.bad[:3]
    assert lat and max(lat) < 10 and statistics.median(lat) < 1.0, lat
    # Rendering GET /schemas of 6,000 subjects 1,000 times costs several
    # seconds; the writes and a few renders cost a fraction of one.
    assert cpu < 2.5, 'the master spent %.2f s of CPU on a cancel storm' % cpu


def fd_count(pid):
    return len(os.listdir('/proc/%d/fd' % pid))


def test_h1_clients_gone_while_waiting_cost_the_master_little(big):
    """600 HTTP/1.1 clients each send GET /schemas?offset=k (rendered anew
    for each k) while the master is stopped, and close their connection
    (half of them with a reset) before any answer.  h2o does not read an
    HTTP/1 connection while its request is handled, so without a watch of
    its own the worker would learn of the close only when writing the
    answer, and the master would render 600 lists for nobody.  Continued,
    the master drops them, a writer is answered promptly, and every
    connection and descriptor of the workers is let go."""
    import socket
    import struct
    st, listing = big.get('/schemas')
    assert st == 200 and len(listing) >= SUBJECTS
    master_idle(big)
    workers = big.worker_pids()
    fds = {p: fd_count(p) for p in workers}
    os.kill(big.proc.pid, signal.SIGSTOP)
    socks = []
    try:
        for k in range(600):
            s = socket.create_connection(('127.0.0.1', big.port))
            s.sendall(b'GET /schemas?offset=%d HTTP/1.1\r\nHost: x\r\n\r\n' % k)
            socks.append(s)
        time.sleep(0.5)     # every request forwarded and waiting
        for k, s in enumerate(socks):
            if k % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            s.close()
        time.sleep(0.5)     # the workers saw the ends and told the master
        c0 = cpu_seconds(big.proc.pid)
    finally:
        os.kill(big.proc.pid, signal.SIGCONT)
    w = Writer(big.port, 'gone')
    w.start()
    time.sleep(1)
    lat = w.finish()
    master_idle(big)
    cpu = cpu_seconds(big.proc.pid) - c0
    assert not w.bad, w.bad[:3]
    assert lat and max(lat) < 5 and statistics.median(lat) < 1.0, lat
    # 600 renders of 6,000 subjects cost the master more than a second and a
    # half; dropped, next to nothing.
    assert cpu < 0.6, 'the master spent %.2f s of CPU on clients that were gone' % cpu
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(fd_count(p) > fds[p] for p in workers):
        time.sleep(0.2)
    assert {p: fd_count(p) for p in workers} == fds
    assert big.worker_pids() == workers


def test_h1_half_close_after_a_read_of_the_table(big):
    """A client that half-closes after its request is still answered when
    the table answers it (no wait on the master, nothing to watch).  One
    whose request waits on the master is taken for gone, as nginx takes it
    (an end of stream on an HTTP/1 connection cannot tell the two apart)."""
    import socket
    s = socket.create_connection(('127.0.0.1', big.port))
    s.sendall(b'GET /subjects/big-1/versions/1 HTTP/1.1\r\nHost: x\r\n\r\n')
    s.shutdown(socket.SHUT_WR)
    s.settimeout(10)
    out = b''
    while b'\r\n\r\n' not in out or not out.rstrip().endswith(b'}'):
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    assert out.startswith(b'HTTP/1.1 200'), out[:200]


def test_read_flood_does_not_starve_writes(big):
    """Four clients read GET /schemas and GET /subjects?deleted=true (both
    answered by the master) without pause while a writer registers: every
    write is answered, none waits long, and the reads are correct."""
    st, ref = big.get('/subjects?deleted=true')
    assert st == 200
    stop = time.monotonic() + 5
    counts, errors = [0] * 4, []

    def reader(k):
        c = http.client.HTTPConnection('127.0.0.1', big.port, timeout=60)
        paths = ['/schemas', '/subjects?deleted=true']
        while time.monotonic() < stop:
            p = paths[(counts[k] + k) % 2]
            c.request('GET', p)
            r = c.getresponse()
            body = json.loads(r.read())
            if r.status != 200 or len(body) < SUBJECTS:
                errors.append((p, r.status))
            counts[k] += 1
    w = Writer(big.port, 'flood')
    w.start()
    ts = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    lat = w.finish()
    assert not errors, errors[:3]
    assert sum(counts) >= 8, counts
    assert not w.bad, w.bad[:3]
    assert lat and max(lat) < 10 and statistics.median(lat) < 1.0, lat
    # The writer's subjects show in the lists the master renders after.
    st, subjects = big.get('/subjects')
    assert st == 200 and 'flood-0' in subjects


def test_reload_with_reads_queued_answers_them(big):
    """A reload (SIGHUP) while reads for the workers it replaces are queued:
    the master is stopped while eight GET /schemas?offset=k (each rendered
    anew, longer than a turn's slice of reads) reach its sockets, continued,
    and given SIGHUP as it works through them.  The reads it had not answered
    before the reload moved the old workers to other slots are answered
    all the same (addressed by their old slot, they would wait until the old
    workers gave up draining after 10 s)."""
    answers = {}

    def reader(k):
        t0 = time.monotonic()
        c = http.client.HTTPConnection('127.0.0.1', big.port, timeout=60)
        try:
            c.request('GET', '/schemas?offset=%d' % k)
            r = c.getresponse()
            r.read()
            answers[k] = (r.status, time.monotonic() - t0)
        except (OSError, http.client.HTTPException) as e:
            answers[k] = (repr(e), time.monotonic() - t0)
    os.kill(big.proc.pid, signal.SIGSTOP)
    try:
        ts = [threading.Thread(target=reader, args=(k,)) for k in range(8)]
        for t in ts:
            t.start()
        time.sleep(0.5)
    finally:
        os.kill(big.proc.pid, signal.SIGCONT)
    # Rendering eight lists takes the master far longer than this.
    time.sleep(0.02)
    os.kill(big.proc.pid, signal.SIGHUP)
    for t in ts:
        t.join(60)
    assert len(answers) == 8 and all(a[0] == 200 for a in answers.values()), answers
    assert max(a[1] for a in answers.values()) < 8, answers


def test_stopped_worker_gets_every_answer(tmp_path):
    """One worker, stopped (SIGSTOP) for 5 s right after it forwarded twenty
    GET /schemas of a large registry (far more bytes than its socket holds)
    and a registration: the master keeps what the socket does not take and
    writes it on once the worker reads again.  The worker does not exit,
    and every request gets its whole, correct answer."""
    d = Schemad(tmp_path / 'stopped', {'workers': '1'})
    d.start()
    populate(d, SUBJECTS)
    st, ref = d.get('/schemas')
    assert st == 200 and len(ref) >= SUBJECTS
    [worker] = d.worker_pids()
    write = {}

    def register():
        c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=60)
        write['answer'] = post(c, '/subjects/while-stopped/versions',
                               {'schema': avro_record('Stopped', [('s', 'string')])})
    h = H2Conn('127.0.0.1', d.port, timeout=60)
    try:
        sids = [h.get('/schemas') for _ in range(20)]
        t = threading.Thread(target=register)
        t.start()
        time.sleep(0.05)
        os.kill(worker, signal.SIGSTOP)
        try:
            time.sleep(5)
        finally:
            os.kill(worker, signal.SIGCONT)
        for sid in sids:
            got = h.wait(sid, 60)
            assert got is not None and got[0] == 200, got
            # Answered before or after the registration was applied.
            listing = [e for e in json.loads(got[1]) if e['subject'] != 'while-stopped']
            assert listing == ref
        t.join(60)
        st, body = write['answer']
        assert st == 200 and 'id' in json.loads(body), write
    finally:
        h.close()
    assert d.worker_pids() == [worker], 'the worker was replaced'
    st, versions = d.get('/subjects/while-stopped/versions')
    assert st == 200 and versions == [1]
    log = d.log_text(100000)
    assert 'corrupt stream' not in log and 'died' not in log, log
    d.stop()
