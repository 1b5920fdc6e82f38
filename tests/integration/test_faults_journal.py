"""Faults on the write path of the file journal, against the real daemon:
a damaged journal (a flipped byte in the middle or in the last record, a
torn tail), kill -9 of the master or a worker during a burst of
registrations, a full disk, and writes or fdatasyncs failing with EIO or
EPERM.  Each asserts no crash, Confluent's JSON error, reads still answered
promptly, and no acknowledged write lost; ids are never given twice."""

import glob
import os
import signal
import struct
import subprocess
import threading
import time

import pytest

from schemad_proc import Schemad, avro_record, schemad_bin

# A tiny LD_PRELOAD shim: while the file named by $SCHEMAD_FAULT_TRIGGER
# exists, pwrite or fdatasync on schemas.journal fails with the errno it
# names ("write EIO", "sync EPERM", ...).  Built by the test itself.
SHIM = r'''
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int is_journal(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    size_t len = strlen(path), want = strlen("/schemas.journal");
    return len >= want && strcmp(path + len - want, "/schemas.journal") == 0;
}

/* The errno to fail `op` ("write" or "sync") with on fd, or 0. */
static int fault(const char *op, int fd)
{
    const char *trigger = getenv("SCHEMAD_FAULT_TRIGGER");
    if (trigger == NULL || !is_journal(fd))
        return 0;
    int t = open(trigger, O_RDONLY | O_CLOEXEC);
    if (t < 0)
        return 0;
    char buf[64] = "";
    ssize_t n = read(t, buf, sizeof(buf) - 1);
    close(t);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    if (strncmp(buf, op, strlen(op)) != 0)
        return 0;
    return strstr(buf, "EPERM") ? EPERM : strstr(buf, "ENOSPC") ? ENOSPC : EIO;
}

ssize_t pwrite(int fd, const void *p, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    int e = fault("write", fd);
    if (e) { errno = e; return -1; }
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    return real(fd, p, n, off);
}

ssize_t pwrite64(int fd, const void *p, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    int e = fault("write", fd);
    if (e) { errno = e; return -1; }
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    return real(fd, p, n, off);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    int e = fault("sync", fd);
    if (e) { errno = e; return -1; }
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    return real(fd);
}
'''

HDR = 16


def journal_path(d):
    return os.path.join(d.data_dir, 'schemas.journal')


def records(path):
    """[(offset in file, length)] of the records of a clean journal."""
    out = []
    with open(path, 'rb') as f:
        data = f.read()
    pos = HDR
    while pos + 12 <= len(data):
        klen, vlen = struct.unpack_from('<II', data, pos)
        n = 12 + klen + (0 if vlen == 0xFFFFFFFF else vlen)
        out.append((pos, n))
        pos += n
    return out


def flip(path, at):
    with open(path, 'r+b') as f:
        f.seek(at)
        b = f.read(1)
        f.seek(at)
        f.write(bytes([b[0] ^ 0x20]))


def run(args, timeout=60, env=None):
    return subprocess.run([schemad_bin()] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, env=env)


def register_n(d, n, prefix='s'):
    """Register n schemas in n subjects; {subject: id}."""
    acked = {}
    for i in range(n):
        st, body = d.register('%s%d' % (prefix, i), avro_record('R%s%d' % (prefix, i), [('f', 'int')]))
        assert st == 200, body
        acked['%s%d' % (prefix, i)] = body['id']
    return acked


def assert_readable(d, acked):
    for subject, sid in acked.items():
        st, body = d.get('/subjects/%s/versions/1' % subject)
        assert st == 200 and body['id'] == sid, (subject, st, body)


def assert_prompt_read(d, path='/subjects', limit=2.0):
    t0 = time.monotonic()
    st, _ = d.request('GET', path, timeout=limit)
    assert st == 200 and time.monotonic() - t0 < limit


def start_refused(d, timeout=60):
    """Start; expect an exit with an error (not ready).  The log's text."""
    d.write_config()
    r = run(['-c', d.config], timeout=timeout)
    assert r.returncode != 0
    return r.stderr


# ---- a damaged journal ------------------------------------------------------

def test_flipped_byte_in_the_middle_refuses_then_salvages(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    acked = register_n(d, 60)
    d.stop()
    path = journal_path(d)
    recs = records(path)
    # Record 30: the registration of s29 (record 0 is the global config?
    # find it by content instead of guessing).
    with open(path, 'rb') as f:
        data = f.read()
    victim = next(i for i, (pos, n) in enumerate(recs)
                  if b'"subject":"s29"' in data[pos:pos + n])
    pos, n = recs[victim]
    flip(path, pos + n - 20)
    size = os.path.getsize(path)

    err = start_refused(d)
    assert 'damaged at byte %d' % pos in err, err
    assert path in err and '--verify-journal' in err and '--salvage-journal' in err
    assert os.path.getsize(path) == size, 'a refused journal is not cut'

    r = run(['--verify-journal', '-c', d.config])
    assert r.returncode == 1, r
    assert 'bytes %d..%d' % (pos, pos + n) in r.stdout
    assert '%d intact records, 1 damaged ranges' % (len(recs) - 1) in r.stdout
    assert run(['--verify-journal', d.data_dir]).returncode == 1
    assert run(['--verify-journal', path]).returncode == 1

    r = run(['--salvage-journal', '-c', d.config])
    assert r.returncode == 0, r
    kept = glob.glob(path + '.damaged-*')
    assert len(kept) == 1 and os.path.getsize(kept[0]) == size
    assert run(['--verify-journal', path]).returncode == 0

    d.start()
    lost = acked.pop('s29')
    assert_readable(d, acked)
    assert d.get('/subjects/s29/versions')[0] == 404
    st, body = d.register('new', avro_record('Fresh', [('f', 'int')]))
    assert st == 200 and body['id'] > max(max(acked.values()), lost)
    # The id the damaged record held is not given to another schema.
    assert d.get('/schemas/ids/%d' % lost)[0] == 404
    d.stop()


def test_flipped_byte_in_the_last_record_is_a_torn_tail(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    acked = register_n(d, 10)
    d.stop()
    path = journal_path(d)
    pos, n = records(path)[-1]
    flip(path, pos + n - 20)
    d.start()
    lost = acked.pop('s9')
    assert_readable(d, acked)
    st, body = d.register('new', avro_record('Fresh', [('f', 'int')]))
    assert st == 200 and body['id'] > lost, 'the cut record\'s id is not reused'
    assert 'torn last record' in d.log_text()
    d.stop()


def test_torn_tail_keeps_earlier_records_and_ids(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    acked = register_n(d, 10)
    d.stop()
    path = journal_path(d)
    with open(path, 'r+b') as f:
        f.truncate(os.path.getsize(path) - 7)
    d.start()
    lost = acked.pop('s9')
    assert_readable(d, acked)
    st, body = d.register('new', avro_record('Fresh', [('f', 'int')]))
    assert st == 200 and body['id'] > lost
    d.stop()
    # A torn tail is reported by verify too, and salvaged like other damage.
    with open(path, 'ab') as f:
        f.write(b'\x10\x00\x00\x00')
    assert run(['--verify-journal', path]).returncode == 1
    assert run(['--salvage-journal', path]).returncode == 0
    assert run(['--verify-journal', path]).returncode == 0


# ---- kill -9 during a burst -------------------------------------------------

class Burst:
    """Threads registering new subjects until stopped; what was acked."""

    def __init__(self, d, threads=4, tag='b'):
        self.d = d
        self.acked = []
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=('%s%d' % (tag, t),))
                        for t in range(threads)]

    def run(self, prefix):
        i = 0
        while not self.stop_flag.is_set() and i < 5000:
            subject = '%s-%d' % (prefix, i)
            i += 1
            try:
                st, body = self.d.register(subject, avro_record('R_%s' % subject.replace('-', '_'),
                                                                [('f', 'int')]))
            except OSError:
                time.sleep(0.01)
                continue
            if st == 200:
                with self.lock:
                    self.acked.append((subject, 1, body['id']))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join(30)


def wait_gone(pids, timeout=10):
    deadline = time.time() + timeout
    for pid in pids:
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)


def assert_all_acked(d, acked):
    ids = {}
    for subject, version, sid in acked:
        st, body = d.get('/subjects/%s/versions/%d' % (subject, version))
        assert st == 200 and body['id'] == sid, (subject, st, body)
        assert ids.setdefault(sid, subject) == subject, 'id %d given twice' % sid


def test_kill_9_master_during_a_burst_loses_no_acknowledged_write(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    acked = []
    for run_no in range(3):
        with Burst(d, tag='m%d_' % run_no) as b:
            time.sleep(0.6)
            workers = d.worker_pids()
            d.proc.send_signal(signal.SIGKILL)
            d.proc.wait()
        acked += b.acked
        assert b.acked, 'the burst registered nothing'
        wait_gone(workers)
        d.stop()
        d.start()
        assert_all_acked(d, acked)
    d.stop()


def test_kill_9_worker_during_a_burst_is_healed(tmp_path):
    d = Schemad(tmp_path / 'd')
    d.start()
    with Burst(d, tag='w') as b:
        time.sleep(0.3)
        victim = d.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.5)
    assert b.acked
    deadline = time.time() + 10
    while victim in d.worker_pids() or len(d.worker_pids()) < 2:
        assert time.time() < deadline, 'the killed worker was not replaced'
        time.sleep(0.02)
    assert_prompt_read(d)
    assert_all_acked(d, b.acked)
    d.stop()
    d.start()
    assert_all_acked(d, b.acked)
    d.stop()


# ---- a full disk ------------------------------------------------------------

@pytest.fixture
def small_fs(tmp_path):
    mnt = tmp_path / 'mnt'
    mnt.mkdir()
    r = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', str(mnt)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        pytest.skip('cannot mount a tmpfs here: %s' % r.stderr.decode().strip())
    yield str(mnt)
    subprocess.run(['umount', '-l', str(mnt)])


def test_full_disk_answers_50001_and_recovers(tmp_path, small_fs):
    data = os.path.join(small_fs, 'data')
    os.mkdir(data)
    d = Schemad(tmp_path / 'd', {'data.dir': data})
    d.start()
    acked = register_n(d, 5)
    filler = os.path.join(small_fs, 'filler')
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while os.write(fd, b'\0' * 4096) > 0:
            pass
    except OSError:
        pass
    os.close(fd)
    fields = [('f%d' % k, 'string') for k in range(40)]
    for i in range(50):
        st, body = d.register('full%d' % i, avro_record('Full%d' % i, fields))
        if st != 200:
            break
        acked['full%d' % i] = body['id']
    assert (st, body['error_code']) == (500, 50001), body
    assert isinstance(body['message'], str)
    assert_prompt_read(d)
    assert_readable(d, acked)
    assert d.proc.poll() is None and len(d.worker_pids()) == 2
    os.unlink(filler)
    st, body = d.register('after', avro_record('After', fields))
    assert st == 200, body
    acked['after'] = body['id']
    assert len(set(acked.values())) == len(acked)
    d.stop()
    d.start()
    assert_readable(d, acked)
    d.stop()


# ---- failing writes ---------------------------------------------------------

@pytest.fixture(scope='module')
def shim(tmp_path_factory):
    base = tmp_path_factory.mktemp('shim')
    src = base / 'shim.c'
    src.write_text(SHIM)
    so = str(base / 'shim.so')
    r = subprocess.run(['cc', '-shared', '-fPIC', '-O1', '-o', so, str(src), '-ldl'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        pytest.skip('cannot build the fault shim: %s' % r.stderr.decode())
    return so


def faulty(tmp_path, shim):
    trigger = str(tmp_path / 'fault')
    asan = os.environ.get('ASAN_OPTIONS', '')
    env = {'LD_PRELOAD': shim, 'SCHEMAD_FAULT_TRIGGER': trigger,
           'ASAN_OPTIONS': (asan + ':' if asan else '') + 'verify_asan_link_order=0'}
    return Schemad(tmp_path / 'd', env=env), trigger


@pytest.mark.parametrize('fault', ['write EIO', 'write EPERM', 'sync EIO', 'sync EPERM'])
def test_failing_writes_answer_50001_and_recover(tmp_path, shim, fault):
    d, trigger = faulty(tmp_path, shim)
    d.start()
    acked = register_n(d, 5)
    with open(trigger, 'w') as f:
        f.write(fault)
    failed = []
    for i in range(3):
        st, body = d.register('bad%d' % i, avro_record('Bad%d' % i, [('f', 'int')]))
        assert (st, body['error_code']) == (500, 50001), body
        failed.append('bad%d' % i)
        assert_prompt_read(d)
    assert_readable(d, acked)
    assert d.proc.poll() is None and len(d.worker_pids()) == 2
    assert 'failed' in d.log_text()
    os.unlink(trigger)
    st, body = d.register('good', avro_record('Good', [('f', 'int')]))
    assert st == 200, body
    acked['good'] = body['id']
    assert 'writable again' in d.log_text()
    # Re-registering a schema that was refused now succeeds, with one id.
    st, body = d.register('bad0', avro_record('Bad0', [('f', 'int')]))
    assert st == 200
    acked['bad0'] = body['id']
    assert len(set(acked.values())) == len(acked)
    before = {s: d.get('/subjects/%s/versions' % s) for s in failed}
    d.stop()
    d.start()
    assert_readable(d, acked)
    # What the store showed after the failure is what the file holds.
    assert {s: d.get('/subjects/%s/versions' % s) for s in failed} == before
    st, body = d.register('later', avro_record('Later', [('f', 'int')]))
    assert st == 200 and body['id'] not in acked.values()
    d.stop()


def test_journal_commands_on_the_command_line(tmp_path):
    r = run(['--help'])
    assert r.returncode == 0
    assert '--verify-journal' in r.stdout and '--salvage-journal' in r.stdout
    d = Schemad(tmp_path / 'd')
    d.start()
    register_n(d, 3)
    r = run(['--verify-journal', '-c', d.config])
    assert r.returncode == 0 and 'clean, ' in r.stdout, r
    # Never under a running schemad: it holds the journal's lock.
    r = run(['--salvage-journal', '-c', d.config])
    assert r.returncode == 2 and 'locked' in r.stderr, r
    d.stop()
    r = run(['--salvage-journal', d.data_dir])
    assert r.returncode == 0 and 'nothing to salvage' in r.stdout
    assert glob.glob(journal_path(d) + '.damaged-*') == []
    assert run(['--verify-journal', str(tmp_path / 'missing')]).returncode == 2
    assert run(['--verify-journal', '-c', d.config, journal_path(d)]).returncode == 2
    d.start()
    d.stop()
