"""Golden answers of Confluent Schema Registry's own code (7.9.0 for dialect
7, 8.3.0's JSON Schema answers for dialect 8), compared with schemad's: no
Java, no mirror, in CI.

tests/diff/golden/make_golden.sh (development time) compiles Confluent's
JsonSchemaDiff package and AvroSchemaUtils' normalization, taken from the
7.9.0 tag (its JSON Schema classes also from v8.3.0: json_compat_v8,
which schemad answers with confluent.version 8's hooks), against jars from
Maven Central, runs them on the inputs of
tests/diff/golden/gen_golden.py and packs inputs and answers into
tests/diff/golden/*.jsonl.gz.  The driver tests/diff/diff_driver gives
schemad's answers for the same inputs:

 - json_compat: a pair (a, b) of JSON Schemas; JsonSchema.isBackwardCompatible
   of a as the update of b, and of b as the update of a, as the messages
   Confluent's BACKWARD check words ("new", "old"), in Confluent's order;
   "invalid" when Confluent's loader refuses either side (everit for
   draft-04 to -07; json-sKema and SchemaTranslator for 2019-09 and
   2020-12, whose message the row keeps as "why"; schemad: its canonical
   hook refuses it).
 - avro_norm: an Avro text (with references); AvroSchema.normalize() then
   canonicalString(), or the parser's message.

Excluded, counted and printed: the cases of tests/diff/golden/known.json
(schemad's known differences, each with its reason: to fix, then remove),
a pair on which Confluent's diff throws
(NumberSchemaDiff reads getMaximum() for an exclusiveMaximum: a
NullPointerException, a 500 from the registry), and Jackson's own parser
messages (compared by refusal only, as test_diff_reference does), and, as
there, an Avro text with an unpaired surrogate escape or an escaped NUL.
"""
import collections
import gzip
import json
import os
import subprocess
import time

from test_diff_reference import driver_path

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(SRC, 'tests', 'diff', 'golden')


def load(name):
    with gzip.open(os.path.join(GOLDEN, name), 'rt', encoding='utf-8') as f:
        return [json.loads(x) for x in f.read().split('\n') if x]


def run(rows, dialect):
    lines = ''.join(json.dumps(dict({k: v for k, v in r.items() if k not in ('g', 'why')},
                                    d=dialect)) + '\n'
                    for r in rows).encode()
    p = subprocess.run([driver_path()], input=lines, stdout=subprocess.PIPE, check=True,
                       timeout=600)
    out = [json.loads(x) for x in p.stdout.decode('utf-8', 'replace').split('\n') if x]
    assert len(out) == len(rows)
    return out


def known():
    with open(os.path.join(GOLDEN, 'known.json'), encoding='utf-8') as f:
        return {(k['a'], k['b']) for k in json.load(f)}


KNOWN = known()


def excluded(row, got):
    g = row['g']
    if row['k'] == 'jcompat' and (row['a'], row['b']) in KNOWN:
        return 'known (known.json)'
    if row['k'] == 'jcompat':
        if any(isinstance(g[k], str) and g[k].startswith('exception') for k in ('ab', 'ba')):
            return 'Confluent throws'
        return None
    low = row['s'].lower()
    if any(('\\u' + p) in low for p in ('d8', 'd9', 'da', 'db', 'dc', 'dd', 'de', 'df')):
        return 'unpaired surrogate'
    if '\\u0000' in row['s'] and 'JSON_ALLOW_NUL' in got.get('e', ''):
        return 'escaped NUL (branch hostile)'
    return None


def same(row, got):
    g = row['g']
    if row['k'] == 'jcompat':
        return g == got
    if 'n' in g:
        return got.get('n') == g['n']
    if 'e' not in got:
        return False
    return got['e'] == g['e'] or (g['e'].startswith('com.fasterxml.jackson')
                                  and got['e'].startswith('com.fasterxml.jackson'))


def check(name, dialect=7):
    t0 = time.monotonic()
    rows = load(name)
    got = run(rows, dialect)
    per_cat = collections.Counter()
    bad = collections.defaultdict(list)
    skipped = collections.Counter()
    for row, g in zip(rows, got):
        per_cat[row['c']] += 1
        why = excluded(row, g)
        if why is not None:
            skipped[why] += 1
            continue
        if not same(row, g):
            bad[row['c']].append((row, g))
    print('\n%s: golden cases per category:' % name)
    for cat, n in sorted(per_cat.items()):
        print('  %-24s %5d  mismatches %d' % (cat, n, len(bad.get(cat, []))))
    print('  total %d, excluded %s, %.1fs' % (len(rows), dict(skipped), time.monotonic() - t0))
    for cat, items in bad.items():
        for row, g in items[:int(os.environ.get('DIFF_SHOW', '3'))]:
            print('MISMATCH [%s] %s\n  confluent: %s\n  schemad:   %s' % (
                cat, json.dumps({k: v for k, v in row.items() if k != 'g'}, ensure_ascii=False)[:700],
                json.dumps(row['g'], ensure_ascii=False)[:900], json.dumps(g, ensure_ascii=False)[:900]))
    return sum(len(v) for v in bad.values())


def test_json_compat_golden():
    assert check('json_compat.jsonl.gz') == 0


def test_json_compat_golden_v8():
    assert check('json_compat_v8.jsonl.gz', 8) == 0


def test_avro_normalize_golden():
    assert check('avro_norm.jsonl.gz') == 0
