#!/usr/bin/env python3
"""replay.py - time from start to ready (GET /health/ready = 200) with N
schema records already in the journal, and the memory they take.

    bench/replay.py                          # file journal, N = 10k, 100k
    bench/replay.py --counts 10k,100k,1M
    bench/replay.py --journals file,kafka --kafka-counts 10k
    bench/replay.py --counts 100k --schema-bytes 1024   # memory per 1 KB schema

File journal: the file is written directly in schemad's format
(src/journal/journal_file.c: "SCHEMADJ" u32 1 u32 0, then per record u32 key len,
u32 value len, u32 CRC32C over the 8 length bytes + key + value, key, value).
Kafka: the records are produced with confluent_kafka into a fresh compacted
one-partition topic of a local real broker, then schemad replays it.
Records are Confluent's SCHEMA records: subject replay-<i/10>, versions
1..10, id i+1, a distinct ~220-byte Avro record each.

Each N is a separate schemad run (--reps runs each, median reported).
Memory: the master's mapping of the memfd "schemad-table" (Rss from
/proc/PID/smaps), master and worker VmRSS/RssAnon, per schema.
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

CRC_C = r'''
#include <stddef.h>
#include <stdint.h>
static uint32_t t[8][256];
void crc32c_init(void) {
    for (uint32_t i = 0; i < 256; i++) { uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        t[0][i] = c; }
    for (int j = 1; j < 8; j++) for (int i = 0; i < 256; i++)
        t[j][i] = (t[j-1][i] >> 8) ^ t[0][t[j-1][i] & 0xFF];
}
uint32_t crc32c(uint32_t crc, const unsigned char *p, size_t n) {
    crc = ~crc;
    while (n >= 8) { uint32_t lo = crc ^ (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
        crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24]
            ^ t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]]; p += 8; n -= 8; }
    while (n--) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}
'''


def crc32c_func(work):
    """CRC32C(bytes) -> int: a tiny C helper built with cc, else pure Python."""
    src, so = os.path.join(work, 'crc32c.c'), os.path.join(work, 'crc32c.so')
    with open(src, 'w') as f:
        f.write(CRC_C)
    try:
        subprocess.run(['cc', '-O2', '-shared', '-fPIC', '-o', so, src], check=True,
                       stderr=subprocess.PIPE)
        lib = ctypes.CDLL(so)
        lib.crc32c_init()
        lib.crc32c.restype = ctypes.c_uint32
        lib.crc32c.argtypes = [ctypes.c_uint32, ctypes.c_char_p, ctypes.c_size_t]
        fn = lambda b: lib.crc32c(0, b, len(b))  # noqa: E731
    except (OSError, subprocess.CalledProcessError):
        table = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
            table.append(c)

        def fn(b):
            c = 0xFFFFFFFF
            for x in b:
                c = (c >> 8) ^ table[(c ^ x) & 0xFF]
            return c ^ 0xFFFFFFFF
    assert fn(b'123456789') == 0xE3069283, 'CRC32C self-test failed'
    return fn


def schema_text(i, size):
    """Schema i; with size > 0, padded by a doc string to about size bytes."""
    text = common.avro_schema(i)
    if size > len(text):
        s = json.loads(text)
        s['doc'] = 'd' * (size - len(text) - 9)
        text = json.dumps(s, separators=(',', ':'))
    return text


def records(n, size=0):
    """(key, value) bytes of n Confluent SCHEMA records."""
    for i in range(n):
        subj, ver = 'replay-%d' % (i // 10), i % 10 + 1
        key = '{"keytype":"SCHEMA","subject":"%s","version":%d,"magic":1}' % (subj, ver)
        val = '{"subject":"%s","version":%d,"id":%d,"schema":%s,"deleted":false}' % (
            subj, ver, i + 1, json.dumps(schema_text(i, size)))
        yield key.encode(), val.encode()


def write_file_journal(path, n, crc, size):
    with open(path, 'wb', buffering=1 << 20) as f:
        f.write(b'SCHEMADJ' + struct.pack('<II', 1, 0))
        for k, v in records(n, size):
            lens = struct.pack('<II', len(k), len(v))
            f.write(lens + struct.pack('<I', crc(lens + k + v)) + k + v)
    return os.path.getsize(path)


def produce_kafka(bootstrap, topic, n, size):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({'bootstrap.servers': bootstrap})
    fut = admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})])
    for f in fut.values():
        f.result(30)
    p = Producer({'bootstrap.servers': bootstrap, 'linger.ms': 20, 'acks': 'all',
                  'batch.num.messages': 10000, 'queue.buffering.max.messages': 1000000,
                  'enable.idempotence': True})
    nbytes = 0
    for k, v in records(n, size):
        nbytes += len(k) + len(v)
        while True:
            try:
                p.produce(topic, value=v, key=k, partition=0)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    left = p.flush(120)
    if left:
        raise RuntimeError('%d records not delivered' % left)
    return nbytes


def measure(sd, n):
    """One start: seconds to ready and the memory figures."""
    t = sd.wait_ready(timeout=900)
    time.sleep(0.2)
    pid = sd.proc.pid
    tsize, trss = common.table_mapping(pid)
    m = {'ready_s': t, 'table_rss_kb': trss, 'table_size_kb': tsize,
         'master_rss_kb': common.status_kb(pid, 'VmRSS'),
         'master_anon_kb': common.status_kb(pid, 'RssAnon'),
         'workers': []}
    for w in sd.worker_pids():
        m['workers'].append((w, common.status_kb(w, 'VmRSS'), common.status_kb(w, 'RssAnon'),
                             common.table_mapping(w)[1]))
    with open(sd.log_path, errors='replace') as f:
        lines = [x.strip() for x in f if 'replayed' in x or 'caught up' in x or 'ready' in x]
    m['log'] = lines[-1] if lines else ''
    mm = re.search(r'in ([0-9.]+) s', m['log'])
    m['replay_s'] = float(mm.group(1)) if mm else None
    return m


def report(journal, n, runs, jbytes, size):
    med = common.median([r['ready_s'] for r in runs])
    last = runs[-1]
    kb = 1024.0
    print('%-6s N=%-8d ready in %.3f s median (runs: %s)%s' % (
        journal, n, med, ' '.join('%.3f' % r['ready_s'] for r in runs),
        '; schemad log says replay %.3f s' % last['replay_s'] if last['replay_s'] is not None else ''))
    print('       journal %.1f MB (%.0f B/record); %.0f records/s to ready' % (
        jbytes / 1e6, jbytes / n, n / med))
    print('       shared table: %.1f MB resident of %.0f MB reserved = %.0f B/schema' % (
        last['table_rss_kb'] / kb, last['table_size_kb'] / kb, last['table_rss_kb'] * kb / n))
    print('       master: VmRSS %.1f MB (%.0f B/schema), RssAnon %.1f MB (%.0f B/schema)' % (
        last['master_rss_kb'] / kb, last['master_rss_kb'] * kb / n,
        last['master_anon_kb'] / kb, last['master_anon_kb'] * kb / n))
    for w, rss, anon, trss in last['workers']:
        print('       worker %d: VmRSS %.1f MB (%.0f B/schema), RssAnon %.1f MB, table pages touched %.1f MB' % (
            w, rss / kb, rss * kb / n, anon / kb, trss / kb))
    # Each byte counted once: the table's pages, plus every process's own
    # (anonymous) pages; VmRSS would count the shared table again.
    total = last['table_rss_kb'] + last['master_anon_kb'] + sum(w[2] for w in last['workers'])
    text = len(schema_text(n // 2, size))
    print('       memory: table + master and worker RssAnon = %.0f B/schema for a %d B schema '
          '= %.2f KB per KB of schema' % (total * kb / n, text, total * kb / n / text))
    print('       log: %s' % last['log'])
    sys.stdout.flush()
    return med


def tsize(a, n):
    return a.table_size or ('4G' if n > 500000 else '1G')


def parse_counts(s):
    out = []
    for x in s.split(','):
        x = x.strip().lower()
        mult = 1
        if x.endswith('k'):
            mult, x = 1000, x[:-1]
        elif x.endswith('m'):
            mult, x = 1000000, x[:-1]
        n = int(float(x) * mult)
        if not 1 <= n <= 2000000:
            sys.exit('count %d out of range 1..2M' % n)
        out.append(n)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--counts', default='10k,100k', help='N for the file journal (e.g. 10k,100k,1M)')
    ap.add_argument('--journals', default='file', help='file, kafka or file,kafka')
    ap.add_argument('--kafka', action='store_true', help='same as --journals file,kafka')
    ap.add_argument('--kafka-counts', default=None, help='N for kafka (default: --counts)')
    ap.add_argument('--reps', type=int, default=2, help='starts per N (median reported)')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--table-size', default=None,
                    help='schemad table.size (default 1G, 4G when N > 500k)')
    ap.add_argument('--schema-bytes', type=int, default=0,
                    help='pad each schema with a doc string to about this size (default: ~220 B)')
    a = ap.parse_args()
    journals = a.journals.split(',')
    if a.kafka and 'kafka' not in journals:
        journals.append('kafka')
    counts = parse_counts(a.counts)
    kcounts = parse_counts(a.kafka_counts) if a.kafka_counts else counts
    a.reps = max(1, min(a.reps, 10))

    common.machine_info()
    print('run:     %d starts per N; workers=%d; the journal file is in the page cache '
          '(written just before)' % (a.reps, a.workers))
    print()
    work = common.tmpdir('schemad-bench-replay.')
    summary = []
    broker = None
    try:
        if 'file' in journals:
            crc = crc32c_func(work)
            for n in counts:
                d = os.path.join(work, 'file-%d' % n)
                os.makedirs(os.path.join(d, 'data'))
                t0 = time.monotonic()
                jb = write_file_journal(os.path.join(d, 'data', 'schemas.journal'), n, crc,
                                        a.schema_bytes)
                print('file   N=%-8d journal written in %.1f s' % (n, time.monotonic() - t0))
                runs = []
                for r in range(a.reps):
                    sd = common.Schemad(d, {'workers': str(a.workers),
                                            'table.size': tsize(a, n)}).start()
                    runs.append(measure(sd, n))
                    sd.stop()
                summary.append(('file', n, report('file', n, runs, jb, a.schema_bytes)))
                shutil.rmtree(d, ignore_errors=True)
        if 'kafka' in journals:
            sys.path.insert(0, os.path.join(common.HERE, '..', 'tests', 'integration'))
            from kafka_broker import KafkaBroker
            broker = KafkaBroker(os.path.join(work, 'kafka'))
            t0 = time.monotonic()
            broker.start()
            print('kafka:  broker %s started in %.1f s' % (broker.bootstrap, time.monotonic() - t0))
            for n in kcounts:
                topic = '_schemas_replay_%d_%s' % (n, uuid.uuid4().hex[:6])
                t0 = time.monotonic()
                jb = produce_kafka(broker.bootstrap, topic, n, a.schema_bytes)
                print('kafka  N=%-8d produced into %s in %.1f s' % (n, topic, time.monotonic() - t0))
                runs = []
                for r in range(a.reps):
                    d = os.path.join(work, 'kafka-%d-%d' % (n, r))
                    os.makedirs(d)
                    sd = common.Schemad(d, {
                        'workers': str(a.workers), 'journal': 'kafka',
                        'table.size': tsize(a, n),
                        'kafkastore.bootstrap.servers': broker.bootstrap,
                        'kafkastore.topic': topic,
                        'schema.registry.group.id': 'bench-%s' % uuid.uuid4().hex[:6]}).start()
                    runs.append(measure(sd, n))
                    sd.stop()
                summary.append(('kafka', n, report('kafka', n, runs, jb, a.schema_bytes)))
        print()
        print('== summary: start to ready (median of %d starts)' % a.reps)
        for j, n, med in summary:
            print('   %-6s N=%-8d %8.3f s   %9.0f records/s' % (j, n, med, n / med))
    finally:
        common.stop_all()
        common.load_after()
        if broker:
            broker.stop()
        if not os.environ.get('BENCH_KEEP'):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
