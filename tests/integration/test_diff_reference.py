"""Differential tests: schemad's Avro and JSON Schema rules against the
reference implementations Confluent Schema Registry 7.9 runs, themselves.

tests/diff/gen.py writes thousands of inputs that walk the rules (every
primitive and logical type, names and namespaces, aliases, docs, orders,
properties of every JSON kind, defaults of every type, duplicates, unions,
enums, fixed sizes, JSON syntax oddities, mutations of the recorded
schemas and the fuzz seeds; reader/writer pairs made by mutating one
side).  tests/diff/Ref.java gives Java's answers (Apache Avro 1.11.4's
Schema.Parser and SchemaCompatibility, Jackson as Confluent configures it;
jars from Maven Central by tests/diff/fetch_ref.sh); the driver
tests/diff/diff_driver gives schemad's, from the same library the daemon
links.  Every answer must be the same text.

Excluded classes (each is a place where Java's answer is not what
Confluent sends, or another branch's work), counted and printed:
 - a message of Jackson's own parser (com.fasterxml.jackson...): compared
   by refusal only, as the recorded corpus does (../shared/conformance
   README: "a message carrying Java parser details").
 - a text holding an unpaired UTF-16 surrogate (\\ud800): Java keeps it in
   a String no UTF-8 answer can carry.
 - an escaped NUL (\\u0000) in an Avro text, which jansson refuses
   without JSON_ALLOW_NUL: Java reads it as a character.  Branch `hostile`
   carries it through the model (as modified UTF-8); drop this exclusion
   once it is merged.
 - JSON Schema documents that Jackson reads but that schemad refuses as a
   schema (-2, "Invalid JSON Schema"): that refusal is the schema loader's
   (everit / json-sKema), which this reference does not run.

One rule is Confluent's, not Jackson's: a JSON Schema document holding a
non-finite number (NaN, Infinity, a literal past the double range) is
JSON to Jackson (ALLOW_NON_NUMERIC_NUMBERS), but Confluent validates every
new schema through its loader, which gets the tree through org.json
(treeToValue(JSONObject): NumberFormatException for NaN and the
infinities, checked with jackson-datatype-json-org 2.16.2): "Invalid JSON
Schema", schemad's -2.  (For 2019-09/2020-12 documents the loader is
json-sKema through Confluent's own module, not checked here: the same
refusal is assumed.)
"""
import collections
import json
import os
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
DIFF = os.path.join(SRC, 'tests', 'diff')
sys.path.insert(0, DIFF)

import gen  # noqa: E402

SEED = 20261207


def driver_path():
    build = os.path.dirname(os.environ.get('SCHEMAD_BIN', os.path.join(SRC, 'build', 'schemad')))
    path = os.path.join(build, 'tests', 'diff', 'diff_driver')
    # `make` alone builds no check programs: build this one, always through
    # make, as a driver left from an older build would answer by old rules.
    subprocess.run(['make', '-C', build, 'tests/diff/diff_driver'], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def reference_classes(tmp_path):
    libs = subprocess.run(['sh', os.path.join(DIFF, 'fetch_ref.sh')], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()
    out = str(tmp_path / 'classes')
    os.makedirs(out, exist_ok=True)
    cp = os.path.join(libs, '*')
    subprocess.run(['javac', '-nowarn', '-d', out, '-cp', cp, os.path.join(DIFF, 'Ref.java')],
                   check=True, stderr=subprocess.DEVNULL)
    return out + os.pathsep + cp


def run(cmd, lines):
    p = subprocess.run(cmd, input=lines, stdout=subprocess.PIPE, check=True, timeout=300)
    # Not splitlines(): a text may hold U+2028.
    return [json.loads(x) for x in p.stdout.decode('utf-8', 'replace').split('\n') if x]


def excluded(case, ref, got):
    """The class a mismatch belongs to when it is excluded (see the module
    doc), else None."""
    text = case['s'] + case.get('w', '')
    if '\\ud8' in text.lower() or '\\udc' in text.lower() or '\\udd' in text.lower() \
            or '\\ude' in text.lower() or '\\udf' in text.lower() or '\\uda' in text.lower() \
            or '\\udb' in text.lower():
        return 'unpaired surrogate'
    if case['k'] != 'json' and '\\u0000' in text and (
            'JSON_ALLOW_NUL' in json.dumps(got) or got.get('r', 0) is None):
        return 'escaped NUL (branch hostile)'
    if case['k'] == 'json' and got.get('x'):
        return 'refused by the schema loader'
    return None


def same(case, ref, got):
    k = case['k']
    if k == 'avro':
        for sfx in '01':
            rc, re_, gc, ge = (ref.get('c' + sfx), ref.get('e' + sfx),
                               got.get('c' + sfx), got.get('e' + sfx))
            if rc is not None and rc != gc:
                return False
            if rc is None:
                if ge is None:
                    return False
                # Jackson's parser messages: compared by refusal only.
                if ge != re_ and not (re_.startswith('com.fasterxml.jackson')
                                      and ge.startswith('com.fasterxml.jackson')):
                    return False
        return True
    if k == 'compat':
        if ref.get('r') is None:
            return got.get('r') is None
        return ref == got
    if 'c' in ref:
        if got.get('c') == ref['c']:
            return True
        # Jackson's non-finite numbers: Confluent's loader refuses them.
        return bool(got.get('x')) and any(t in ref['c'] for t in ('"NaN"', '"Infinity"', '"-Infinity"'))
    return 'e' in got and not got.get('x')


def test_diff_reference(tmp_path):
    t0 = time.monotonic()
    cases = gen.gen(SEED, os.path.join(SRC, '..', 'shared'), os.path.join(SRC, 'tests', 'fuzz', 'seeds'))
    inputs = []
    for case in cases:
        cat, kind, s, w = case[:4]
        d = {'c': cat, 'k': kind, 's': s}
        if w is not None:
            d['w'] = w
        if len(case) > 4:
            d['refs'] = case[4]
        inputs.append(d)
    lines = ''.join(json.dumps(d) + '\n' for d in inputs).encode()
    ref = run(['java', '-Xss16m', '-cp', reference_classes(tmp_path), 'Ref'], lines)
    got = run([driver_path()], lines)
    assert len(ref) == len(inputs) and len(got) == len(inputs)

    per_cat = collections.Counter()
    bad = collections.defaultdict(list)
    skipped = collections.Counter()
    for case, r, g in zip(inputs, ref, got):
        per_cat[case['c']] += 1
        if same(case, r, g):
            continue
        why = excluded(case, r, g)
        if why is not None:
            skipped[why] += 1
            continue
        bad[case['c']].append((case, r, g))

    print('\ndifferential cases per category:')
    for cat, n in sorted(per_cat.items()):
        print('  %-16s %5d  mismatches %d' % (cat, n, len(bad.get(cat, []))))
    print('  total %d, excluded %s, %.1fs' % (len(inputs), dict(skipped), time.monotonic() - t0))
    shown = 0
    for cat, items in bad.items():
        for case, r, g in items[:int(os.environ.get('DIFF_SHOW', '5'))]:
            shown += 1
            print('MISMATCH [%s] %s\n  java:    %s\n  schemad: %s' % (
                cat, json.dumps(case, ensure_ascii=False)[:600],
                json.dumps(r, ensure_ascii=False)[:600], json.dumps(g, ensure_ascii=False)[:600]))
    assert sum(len(v) for v in bad.values()) == 0
