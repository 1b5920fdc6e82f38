#!/usr/bin/env python3
"""Inputs for the differential tests (tests/integration/test_diff_reference.py):
Avro schema texts, Avro (reader, writer) pairs and JSON texts that cover the
rules of Avro 1.11's Schema.Parser, SchemaCompatibility and Jackson's
readTree/write, rule by rule and variant by variant, plus mutations of the
recorded Confluent schemas (../shared/conformance) and the fuzz seeds.

gen(seed, shared, fuzz_seeds) -> list of (category, kind, text, writer[,
refs]) where kind is 'avro', 'compat' or 'json' and refs the texts of an
Avro schema's references.  Deterministic for a seed.
"""
import json
import os
import random

PRIMS = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']
NAMES_OK = ['R', 'r1', '_x', 'Rec_2', 'a.b.C', 'com.example.Thing', 'x.y']
NAMES_BAD = ['', '1a', 'a-b', 'a b', '.R', 'R.', 'a..b', 'Ä', 'naïve', '$x', 'a.1b',
             'int', 'string', 'null', 'record', 'a.int', '\u00e9t\u00e9']
SPACES = [None, '', 'ns', 'a.b', 'com.Example', '1a', 'a-b', '.a', 'a.', 'ü', 5, True, ['x']]
# Every JSON kind for custom properties and defaults, as text.
JVALS = ['null', 'true', 'false', '0', '1', '-1', '-0', '1.0', '1.5', '-0.0', '1e2', '1E-2',
         '2.5e+3', '0.1', '123456789012', '2147483648', '-2147483649',
         '9223372036854775807', '9223372036854775808', '12345678901234567890123',
         '1.7976931348623157e309', '3.4028235e39', '1e-400', '0.000001', '1234567.0', '1e7',
         '"s"', '""', '"\\u00e9"', '"\\u00ff\\u0000"', '"\\u0100"', '"\\ud83d\\ude00"',
         '"a\\nb\\t\\"\\\\\\/"', '"\\u001f"', '[]', '[1,"a",null]', '{}', '{"k":1}',
         '{"a":{"b":[{}]}}', '{"b":1,"a":2}']


def dumps(v):
    return json.dumps(v, separators=(',', ':'), ensure_ascii=False)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.out = []
        self.n = 0

    def add(self, cat, text, kind='avro', writer=None, refs=None):
        self.out.append((cat, kind, text, writer) if refs is None else (cat, kind, text, writer, refs))

    def name(self):
        self.n += 1
        return 'N%d' % self.n

    # ---- primitives and logical types
    def primitives(self):
        for p in PRIMS:
            self.add('primitive', '"%s"' % p)
            self.add('primitive', '{"type":"%s"}' % p)
            self.add('primitive', ' {\n "type" : "%s" } ' % p)
            for v in JVALS[::3]:
                self.add('primitive', '{"type":"%s","p":%s}' % (p, v))
            self.add('primitive', '{"type":"%s","name":"X","namespace":"n","doc":"d","aliases":["a"]}' % p)
            self.add('primitive', '{"type":{"type":"%s"}}' % p)
            self.add('primitive', '"%s"' % p.upper())
        for t in ['99999999999999999999', '1e400', '-1e400', '{"type":99999999999999999999}',
                  '{"type":"fixed","name":"F","size":99999999999999999999}',
                  '{"type":"bytes","logicalType":"decimal","precision":99999999999999999999}',
                  '{"type":"bytes","logicalType":"decimal","precision":4,"scale":1e400}',
                  '{"type":"record","name":"R","fields":[{"name":"f","type":"int","order":1e400}]}',
                  '[1e400]', '["null",99999999999999999999]', '{"type":"enum","name":"E","symbols":[1e999]}',
                  '{"type":"enum","name":"E","symbols":["A"],"default":1e999}',
                  '{"type":"fixed","name":"F","size":2,"aliases":[123456789012345678901]}',
                  '{"type":"record","name":99999999999999999999,"fields":[]}',
                  '{"type":"record","name":"R","namespace":1e400,"fields":[]}',
                  '{"type":"record","name":"R","fields":[{"name":1e400,"type":"int"}]}',
                  '{"type":"record","name":"R","fields":[{"name":"f","type":"int","doc":1e400}]}',
                  '{"type":"int","x":[1e400,-1e400,99999999999999999999,-99999999999999999999]}',
                  '{"type":"int","x":{"a":1e400}, "y" : 1E+400 , "z":-0.0e500}',
                  '{"type":"string","x":"\\ufdd0\\uFDD1","p":99999999999999999999}',
                  '{"type":"string","x":"\ufdd0","y":"fdd1 FDD2","p":[1e999,99999999999999999999]}',
                  '"Int"', '"integer"', '"nul"', '""', '5', 'true', 'null', '[]', '{}',
                  '{"type":5}', '{"type":null}', '{"type":[]}', '{"type":["int"]}',
                  '{"type":"array"}', '{"type":"map"}', '{"type":"enum"}', '{"type":"fixed"}',
                  '{"type":"record"}', '{"type":"error"}', '{"type":"union"}', '"record"',
                  '{"type":{"type":"array","items":"int"}}', '"int" "long"', '"int" x',
                  '"int"/*c*/', '//c\n"int"', '/*c*/ {"type":"int"}', '', ' ', '{"type":"int",}',
                  "{'type':'int'}", '{"type":"int"', '{"type":"int"}}', '"\\u0069nt"',
                  '{"type":"int","type":"long"}', '{"type":"int","logicalType":"date","logicalType":"x"}']:
            self.add('primitive', t)

    def logical(self):
        cases = []
        for base in ['int', 'long', 'string', 'bytes', 'float', 'double', 'boolean', 'null']:
            for lt in ['date', 'time-millis', 'time-micros', 'timestamp-millis',
                       'timestamp-micros', 'local-timestamp-millis', 'local-timestamp-micros',
                       'timestamp-nanos', 'local-timestamp-nanos', 'uuid', 'decimal',
                       'duration', 'big-decimal', 'unknown', 'DATE', '']:
                cases.append('{"type":"%s","logicalType":"%s"}' % (base, lt))
        for lt in [5, None, True, ['date'], {}]:
            cases.append('{"type":"int","logicalType":%s}' % dumps(lt))
        precs = ['1', '4', '0', '-1', '2.5', '"4"', 'null', '2147483648', '4.0', '1e1', 'true', '[]']
        for p in precs:
            cases.append('{"type":"bytes","logicalType":"decimal","precision":%s}' % p)
            cases.append('{"type":"bytes","logicalType":"decimal","precision":4,"scale":%s}' % p)
            cases.append('{"type":"bytes","logicalType":"decimal","precision":%s,"scale":2}' % p)
        cases.append('{"type":"bytes","logicalType":"decimal"}')
        cases.append('{"type":"bytes","logicalType":"decimal","scale":2}')
        cases.append('{"type":"bytes","logicalType":"decimal","precision":4,"scale":2,"x":1}')
        for size in [1, 2, 3, 4, 8, 9, 16, 0]:
            for prec in [1, 2, 3, 5, 7, 9, 10, 19, 20, 38, 39]:
                cases.append('{"type":"fixed","name":"F","size":%d,"logicalType":"decimal","precision":%d}' % (size, prec))
        for size in [12, 11, 16]:
            for lt in ['duration', 'uuid', 'date', 'timestamp-millis']:
                cases.append('{"type":"fixed","name":"F","size":%d,"logicalType":"%s"}' % (size, lt))
        for lt in ['date', 'decimal', 'uuid']:
            cases.append('{"type":"record","name":"R","logicalType":"%s","fields":[]}' % lt)
            cases.append('{"type":"enum","name":"E","logicalType":"%s","symbols":["A"]}' % lt)
            cases.append('{"type":"array","items":"int","logicalType":"%s"}' % lt)
        # Logical types as field types, with defaults.
        for t, d in [('{"type":"int","logicalType":"date"}', '1'), ('{"type":"int","logicalType":"date"}', '"x"'),
                     ('{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}', '"\\u0001"'),
                     ('{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}', '1.5'),
                     ('{"type":"string","logicalType":"uuid"}', '"abc"'),
                     ('{"type":"long","logicalType":"timestamp-millis"}', '1.0')]:
            cases.append('{"type":"record","name":"R","fields":[{"name":"f","type":%s,"default":%s}]}' % (t, d))
        for c in cases:
            self.add('logical', c)

    # ---- names and namespaces
    def names(self):
        for kind in ['record', 'enum', 'fixed']:
            for n in NAMES_OK + NAMES_BAD:
                for ns in SPACES[:8] + [SPACES[self.r.randrange(len(SPACES))]]:
                    d = {'type': kind, 'name': n}
                    if ns is not None:
                        d['namespace'] = ns
                    self.add('name', dumps(self.named_body(d)))
            for n in [5, None, True, [], {}]:
                self.add('name', dumps(self.named_body({'type': kind, 'name': n})))
            self.add('name', dumps(self.named_body({'type': kind})))
        # Inherited and explicit namespaces, nested, with references by short and full names.
        for outer_ns in [None, '', 'a', 'a.b']:
            for inner in [('I', None), ('I', ''), ('I', 'c'), ('c.I', None), ('c.I', 'd'), ('I', 'a')]:
                for ref in ['I', 'c.I', 'a.I', 'a.b.I', 'd.I', 'c.I', '.I']:
                    rec = {'type': 'record', 'name': 'O', 'fields': []}
                    if outer_ns is not None:
                        rec['namespace'] = outer_ns
                    it = {'type': 'fixed', 'name': inner[0], 'size': 2}
                    if inner[1] is not None:
                        it['namespace'] = inner[1]
                    rec['fields'].append({'name': 'a', 'type': it})
                    rec['fields'].append({'name': 'b', 'type': ref})
                    self.add('namespace', dumps(rec))
        # Deeper nesting: the namespace of the enclosing named type is the default.
        for ns in [None, 'x', '']:
            inner = {'type': 'record', 'name': 'In', 'fields': [
                {'name': 'e', 'type': {'type': 'enum', 'name': 'E', 'symbols': ['A']}},
                {'name': 'e2', 'type': 'E'}]}
            if ns is not None:
                inner['namespace'] = ns
            rec = {'type': 'record', 'name': 'p.Out', 'fields': [
                {'name': 'i', 'type': inner}, {'name': 'j', 'type': 'In'}, {'name': 'k', 'type': 'p.E'},
                {'name': 'l', 'type': ['null', 'In']}]}
            self.add('namespace', dumps(rec))
        # Redefinitions and names that shadow.
        for a, b in [('R', 'R'), ('n.R', 'R'), ('R', 'int'), ('E', 'E'), ('a.R', 'b.R')]:
            rec = {'type': 'record', 'name': 'Top', 'fields': [
                {'name': 'x', 'type': {'type': 'fixed', 'name': a, 'size': 1}},
                {'name': 'y', 'type': {'type': 'enum', 'name': b, 'symbols': ['A']}}]}
            self.add('redefine', dumps(rec))
        self.add('redefine', '{"type":"record","name":"R","fields":[{"name":"r","type":"R"}]}')
        self.add('redefine', '{"type":"record","name":"R","fields":[{"name":"r","type":["null","R"]}]}')
        self.add('redefine', '{"type":"record","name":"R","fields":[{"name":"r","type":{"type":"record","name":"R","fields":[]}}]}')
        self.add('redefine', '["int",{"type":"record","name":"int","fields":[]}]')
        self.add('redefine', '{"type":"record","name":"R","fields":[{"name":"u","type":"Undef"}]}')
        self.add('redefine', '{"type":"record","name":"R","fields":[{"name":"u","type":"n.Undef"}]}')
        self.add('redefine', '{"type":"record","name":"R","fields":[{"name":"u","type":""}]}')
        # error records, null and non-string namespaces, Java-specific properties
        for t in ['{"type":"error","name":"Err","fields":[{"name":"m","type":"string"}]}',
                  '["null",{"type":"error","name":"Err","fields":[]}]',
                  '{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"error","name":"E","namespace":"x","fields":[]}},{"name":"f","type":"x.E"}]}',
                  '{"type":"record","name":"R","namespace":null,"fields":[]}',
                  '{"type":"record","name":"a.R","namespace":null,"fields":[]}',
                  '{"type":"record","name":"R","namespace":"a","fields":[{"name":"i","type":{"type":"enum","name":"E","namespace":null,"symbols":["A"]}},{"name":"j","type":"E"}]}',
                  '{"type":"record","name":"R","namespace":"a","fields":[{"name":"i","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}},{"name":"j","type":"a.E"}]}',
                  '{"type":"string","logicalType":"uuid","avro.java.string":"String"}',
                  '{"type":"string","logicalType":"uuid","java-class":"java.util.UUID"}',
                  '{"type":"string","logicalType":"uuid","avro.java.string":5}',
                  '{"type":"bytes","logicalType":"decimal","precision":4,"java-class":"x"}',
                  '{"type":"fixed","name":"F","size":16,"logicalType":"uuid"}',
                  '{"type":"fixed","name":"F","size":12,"logicalType":"duration","x":1}',
                  '{"type":"record","name":"R","aliases":["a.b","c"],"namespace":"n","fields":[{"name":"f","aliases":["g","g"],"type":{"type":"fixed","name":"F","aliases":["n.G","m.G","G"],"size":1}}]}',
                  '{"type":"enum","name":"E","symbols":["A"],"doc":"d","aliases":["X"],"default":"A","p":[1],"namespace":"n"}',
                  '{"type":"map","values":{"type":"array","items":{"type":"map","values":"int","p":1},"q":2},"r":3}',
                  '{"type":"record","name":"R","fields":[{"name":"f","type":"int","order":"DESCENDING","doc":"x","aliases":["a"],"default":1,"p":null}]}']:
            self.add('redefine', t)

    def unicode_names(self, count):
        """Character.isLetter / isLetterOrDigit over the whole of Unicode:
        names, symbols and field names with random code points."""
        r = self.r
        for i in range(count):
            cp = r.choice([r.randint(0x80, 0x2FFF), r.randint(0x3000, 0xFFFD), r.randint(0x10000, 0x3FFFF)])
            if 0xD800 <= cp <= 0xDFFF:
                continue
            ch = chr(cp)
            first = ch + 'a' if i % 2 == 0 else 'a' + ch
            self.add('unicode-name', dumps({'type': 'record', 'name': first, 'fields': [{'name': 'f' + ch, 'type': 'int'}]}))
            self.add('unicode-name', dumps({'type': 'enum', 'name': 'E', 'symbols': [ch + 'X', 'X' + ch]}))

    def strings(self, count):
        """How Jackson writes strings back: every control char, DEL,
        separators, astral characters, escapes written either way."""
        r = self.r
        pool = [chr(c) for c in range(1, 0x20)] + ['\x7f', '\x80', '\xa0', '\u2028', '\u2029', '\ufeff',
                                                   '\U0001F600', '"', '\\', '/', 'a', 'é', '\u00ff', '<', '&']
        for _ in range(count):
            txt = ''.join(r.choice(pool) for _ in range(r.randint(1, 6)))
            lit = json.dumps(txt, ensure_ascii=r.random() < 0.5)
            where = r.choice(['doc', 'prop', 'default', 'symbol-doc'])
            if where == 'doc':
                self.add('string', '{"type":"record","name":"R","doc":%s,"fields":[]}' % lit)
            elif where == 'prop':
                self.add('string', '{"type":"string","x":%s}' % lit)
            elif where == 'default':
                self.add('string', '{"type":"record","name":"R","fields":[{"name":"f","type":"%s","default":%s}]}'
                         % (r.choice(['string', 'bytes']), lit))
            else:
                self.add('string', '{"type":"enum","name":"E","doc":%s,"symbols":["A"],"default":"A"}' % lit)

    def references(self):
        """Schemas with references: named types of other subjects used by
        full or short name, in and out of namespaces, chained, redefined."""
        defs = [('{"type":"record","name":"Dep","fields":[{"name":"a","type":"int"}]}', 'Dep'),
                ('{"type":"record","name":"Dep","namespace":"d","fields":[{"name":"a","type":"int"}]}', 'd.Dep'),
                ('{"type":"enum","name":"d.E","symbols":["A","B"]}', 'd.E'),
                ('{"type":"fixed","name":"F","namespace":"x.y","size":4}', 'x.y.F'),
                ('{"type":"record","name":"Outer","namespace":"o","fields":[{"name":"in","type":{"type":"record","name":"Inner","fields":[]}}]}', 'o.Outer')]
        for text, full in defs:
            short = full.split('.')[-1]
            space = full.rsplit('.', 1)[0] if '.' in full else None
            for use in [full, short, '.' + short]:
                for ns in [None, space, 'other']:
                    rec = {'type': 'record', 'name': 'Main', 'fields': [{'name': 'd', 'type': use},
                                                                          {'name': 'u', 'type': ['null', use], 'default': None}]}
                    if ns is not None:
                        rec['namespace'] = ns
                    self.add('references', dumps(rec), refs=[text])
            self.add('references', dumps({'type': 'array', 'items': full}), refs=[text])
            self.add('references', dumps({'type': 'record', 'name': full, 'fields': []}), refs=[text])
            self.add('references', '"%s"' % full, refs=[text])
            self.add('references', dumps({'type': 'record', 'name': 'M', 'fields': [{'name': 'i', 'type': 'o.Inner'}]}), refs=[text])
        chain = ['{"type":"enum","name":"c.E","symbols":["A"]}',
                 '{"type":"record","name":"c.R","fields":[{"name":"e","type":"E","default":"A"}]}']
        self.add('references', '{"type":"record","name":"c.M","fields":[{"name":"r","type":"R"},{"name":"e","type":"E"}]}', refs=chain)
        self.add('references', '{"type":"record","name":"M","fields":[{"name":"r","type":"c.R"}]}', refs=chain)
        self.add('references', '{"type":"record","name":"M","fields":[]}', refs=['{"type":"nope"}'])
        self.add('references', '{"type":"record","name":"M","fields":[]}', refs=['{"type":"record","name":"D","fields":[{"name":"a","type":"int","default":"x"}]}'])
        self.add('references', '{"type":"record","name":"M","fields":[]}', refs=[chain[1]])

    def named_body(self, d):
        if d['type'] == 'record':
            d['fields'] = [{'name': 'f', 'type': 'int'}]
        elif d['type'] == 'enum':
            d['symbols'] = ['A', 'B']
        else:
            d['size'] = 4
        return d

    # ---- aliases, doc, order, custom properties
    def annotations(self):
        alias_sets = [[], ['a'], ['a', 'a'], ['x.y'], ['1a'], [''], ['a-b'], [5], 'a', None, {}, ['int'],
                      ['Ä'], ['.a'], ['R']]
        for al in alias_sets:
            for where in ['record', 'field', 'enum', 'fixed']:
                self.add('alias', dumps(self.with_attr(where, 'aliases', al)))
        for doc in ['d', '', 'é\u2028', 'a"b\\c\n', 5, None, True, ['d'], {'a': 1}, '\u0001']:
            for where in ['record', 'field', 'enum', 'fixed']:
                self.add('doc', dumps(self.with_attr(where, 'doc', doc)))
        for order in ['ascending', 'descending', 'ignore', 'ASCENDING', 'bogus', '', 5, None, ['ignore']]:
            self.add('order', dumps(self.with_attr('field', 'order', order)))
        for v in JVALS:
            for where in ['record', 'field', 'enum', 'fixed', 'array', 'map', 'prim']:
                self.add('props', self.with_raw_prop(where, 'x-p', v))
        for key in ['', 'name', 'é', 'a b', 'java-class', 'avro.java.string', 'logicalType', 'connect.name']:
            for where in ['record', 'field', 'prim', 'enum']:
                self.add('props', self.with_raw_prop(where, key, '"v"'))

    def with_attr(self, where, key, val):
        field = {'name': 'f', 'type': 'int'}
        rec = {'type': 'record', 'name': 'R', 'fields': [field]}
        if where == 'record':
            rec[key] = val
        elif where == 'field':
            field[key] = val
        elif where == 'enum':
            field['type'] = {'type': 'enum', 'name': 'E', 'symbols': ['A'], key: val}
        elif where == 'fixed':
            field['type'] = {'type': 'fixed', 'name': 'F', 'size': 3, key: val}
        if val is None and key in ('aliases', 'doc', 'order'):
            # a JSON null, written out
            pass
        return rec

    def with_raw_prop(self, where, key, raw):
        k = json.dumps(key)
        if where == 'record':
            return '{"type":"record","name":"R",%s:%s,"fields":[{"name":"f","type":"int"}]}' % (k, raw)
        if where == 'field':
            return '{"type":"record","name":"R","fields":[{"name":"f","type":"int",%s:%s}]}' % (k, raw)
        if where == 'enum':
            return '{"type":"enum","name":"E","symbols":["A"],%s:%s}' % (k, raw)
        if where == 'fixed':
            return '{"type":"fixed","name":"F","size":1,%s:%s}' % (k, raw)
        if where == 'array':
            return '{"type":"array","items":"int",%s:%s}' % (k, raw)
        if where == 'map':
            return '{"type":"map","values":"int",%s:%s}' % (k, raw)
        return '{"type":"string",%s:%s}' % (k, raw)

    def numbers(self, count):
        """Double.toString of doubles from random bit patterns (every
        exponent, subnormals too), as properties and float/double defaults."""
        import struct
        for i in range(count):
            bits = self.r.getrandbits(64)
            if i % 4 == 0:
                bits &= 0x800FFFFFFFFFFFFF  # subnormal
            elif i % 4 == 1:
                bits = (bits & 0x800FFFFFFFFFFFFF) | (self.r.randint(1000, 1100) << 52)
            d = struct.unpack('<d', struct.pack('<Q', bits))[0]
            if d != d or d in (float('inf'), float('-inf')):
                continue
            lit = repr(d)
            if 'e' not in lit and '.' not in lit:
                lit += '.0'
            self.add('number', '{"type":"string","p":%s}' % lit)
            self.add('number', '{"type":"record","name":"R","fields":[{"name":"f","type":"%s","default":%s}]}'
                     % (self.r.choice(['float', 'double']), lit))
        # Short decimals at every exponent: where a digit generator that is
        # not the shortest shows (JDK 17's FloatingDecimal).
        for i in range(count):
            digits = str(self.r.randint(1, 10 ** self.r.randint(1, 6)))
            lit = '%s%s.%se%d' % (self.r.choice(['', '-']), digits[0], digits[1:] or '0',
                                  self.r.randint(-326, 308))
            self.add('number', '{"type":"string","p":%s}' % lit)
        for k in range(1, 40):
            self.add('number', '{"type":"string","p":%r}' % (5e-324 * k))

    # ---- defaults
    TYPES = ['"null"', '"boolean"', '"int"', '"long"', '"float"', '"double"', '"bytes"', '"string"',
             '{"type":"array","items":"int"}', '{"type":"map","values":"string"}',
             '{"type":"enum","name":"E","symbols":["A","B"]}', '{"type":"fixed","name":"F","size":2}',
             '{"type":"record","name":"S","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"z"}]}',
             '["null","int"]', '["int","null"]', '["string","int"]', '["long","float"]',
             '{"type":"array","items":["null","string"]}', '[]', '{"type":"array","items":[]}',
             '{"type":"record","name":"S2","fields":[{"name":"a","type":[]}]}', '{"type":"array","items":{"type":"record","name":"T","fields":[{"name":"x","type":"long"}]}}']
    DEFS = JVALS + ['"\\u00ff\\u00fe"', '"ab"', '"\\u0000\\u0001"', '"A"', '"C"', '[1,2]', '[null,"a"]',
                    '{"a":1}', '{"a":1,"b":"q"}', '{"b":"q"}', '{"a":"x"}', '{"k":"v"}', '[{"x":1}]',
                    '[{"x":"1"}]', '1.25', '2147483647', '4.9e-324', '"NaN"', '"Infinity"', '1e39',
                    '" 1x "', '" "', '"\\t"', '"1e5d"', '"0x1p3"', '" NaN "', '"-Infinity"', '"1_0"',
                    '"+.5"', '"1."', '"Infinityx"', '[1e400]', '{"a":99999999999999999999}']

    def defaults(self):
        for t in self.TYPES:
            for d in self.DEFS:
                self.add('default', '{"type":"record","name":"R","fields":[{"name":"f","type":%s,"default":%s}]}' % (t, d))
        # nested: a record default inside an array inside a union
        for d in ['[]', '[{"a":1}]', '[{"a":1,"b":null}]', 'null', '[{"b":"x"}]']:
            self.add('default', '{"type":"record","name":"R","fields":[{"name":"f","type":["null",{"type":"array","items":{"type":"record","name":"S","fields":[{"name":"a","type":"int"},{"name":"b","type":["null","string"],"default":null}]}}],"default":%s}]}' % d)
        # field default referring to a named type defined earlier
        for d in ['"A"', '"Z"', '"\\u0001\\u0002"', '"\\u0001"']:
            self.add('default', '{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"g","type":{"type":"fixed","name":"F","size":2}},{"name":"f","type":"E","default":%s},{"name":"h","type":"F","default":%s}]}' % (d, d))

    # ---- duplicates, unions, enums, fixed
    def structure(self):
        for fields in [['a', 'a'], ['a', 'b', 'a'], ['a', 'A'], ['', 'b'], ['1a'], ['a-b'], ['é'], ['a.b'], []]:
            rec = {'type': 'record', 'name': 'R', 'fields': [{'name': f, 'type': 'int'} for f in fields]}
            self.add('duplicate', dumps(rec))
        for bad in [{'type': 'int'}, {'name': 'a'}, {'name': 5, 'type': 'int'}, 'a', 5, {'name': None, 'type': 'int'}]:
            self.add('duplicate', dumps({'type': 'record', 'name': 'R', 'fields': [bad]}))
        for fl in [None, 5, {}, 'a']:
            self.add('duplicate', dumps({'type': 'record', 'name': 'R', 'fields': fl}))
        self.add('duplicate', '{"type":"record","name":"R"}')
        for syms in [['A', 'A'], ['A', 'B', 'A'], [], ['a'], ['1'], ['A-B'], [''], ['é'], [5], ['A', None], 'A', None]:
            self.add('enum', dumps({'type': 'enum', 'name': 'E', 'symbols': syms}))
        for d in ['A', 'B', 'Z', '', 5, None, ['A']]:
            self.add('enum', dumps({'type': 'enum', 'name': 'E', 'symbols': ['A', 'B'], 'default': d}))
        self.add('enum', '{"type":"enum","name":"E"}')
        for sz in ['0', '1', '-1', '1.5', '"4"', 'null', '2147483647', '2147483648', '1e2', '16', '[]', 'true', '4.0']:
            self.add('fixed', '{"type":"fixed","name":"F","size":%s}' % sz)
        self.add('fixed', '{"type":"fixed","name":"F"}')
        unions = ['[]', '["int"]', '["int","int"]', '["null","null"]', '["int","long","int"]',
                  '[["int"]]', '["null",["int","string"]]', '[{"type":"array","items":"int"},{"type":"array","items":"long"}]',
                  '[{"type":"map","values":"int"},{"type":"map","values":"long"}]',
                  '[{"type":"enum","name":"E","symbols":["A"]},{"type":"enum","name":"E2","symbols":["A"]}]',
                  '[{"type":"fixed","name":"F","size":1},"F"]', '["string",{"type":"string","x":1}]',
                  '["int",{"type":"int","logicalType":"date"}]', '[5]', '[null]', '["null","Undef"]',
                  '{"type":["int","null"]}', '{"type":"array","items":["int","int"]}', '["record"]',
                  '[{"type":"record","name":"A","fields":[]},{"type":"record","name":"B","fields":[]}]',
                  '[{"type":"record","name":"A","fields":[]},{"type":"record","name":"n.A","fields":[]}]']
        for u in unions:
            self.add('union', u)
            self.add('union', '{"type":"record","name":"R","fields":[{"name":"f","type":%s}]}' % u)
        for items in ['', '"items":5', '"items":null', '"items":"int"', '"items":"Undef"', '"items":{"type":"array","items":"int"}']:
            self.add('container', '{"type":"array"%s}' % ((',' + items) if items else ''))
            self.add('container', '{"type":"map"%s}' % ((',' + items.replace('items', 'values')) if items else ''))

    # ---- JSON syntax oddities in Avro text
    def syntax(self):
        base = '{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":%s}]}'
        for num in ['1', '1.0', '1e2', '-0', '01', '+1', '.5', '1.', '0x10', 'NaN', 'Infinity', '-Infinity',
                    '1E400', '99999999999999999999', '-9223372036854775809', '1_000']:
            self.add('syntax', base % num)
        for s in ['"\\u0041"', '"\\x41"', '"\\u00"', "'a'", '"a\tb"', '"\\/"', '"\\ud800"', '"\\udc00x"']:
            self.add('syntax', '{"type":"record","name":"R","doc":%s,"fields":[]}' % s)
        self.add('syntax', '{"type":"record","name":"R","fields":[],"fields":[{"name":"a","type":"int"}]}')
        self.add('syntax', '{"type":"record","name":"R","name":"S","fields":[]}')
        self.add('syntax', '{"name":"R","fields":[],"type":"record"}')
        self.add('syntax', '{"fields":[{"type":"int","name":"a"}],"name":"R","type":"record"}')
        self.add('syntax', '\n\t{ "type" :\r\n "record" , "name" : "R" , "fields" : [ ] }\n')
        self.add('syntax', '{"type":"record","name":"R","fields":[]} trailing')
        self.add('syntax', '{"type":"record","name":"R","fields":[]} {}')
        self.add('syntax', '{"type":"record","name":"R","fields":[]}\u0000')
        self.add('syntax', '{"type":"record","name":"R","fields":[/*c*/]} // x')
        self.add('syntax', '{"type":"record","name":"R","fields":[] # x\n}')

    # ---- random schemas and mutations
    def rand_type(self, depth, ns_ok=True):
        r = self.r
        k = r.randrange(12 if depth < 3 else 6)
        if k < 5:
            p = r.choice(PRIMS)
            return p if r.random() < 0.8 else {'type': p}
        if k == 5:
            return {'type': r.choice(['int', 'long']), 'logicalType': r.choice(['date', 'timestamp-millis', 'time-micros'])}
        if k == 6:
            return {'type': 'array', 'items': self.rand_type(depth + 1)}
        if k == 7:
            return {'type': 'map', 'values': self.rand_type(depth + 1)}
        if k == 8:
            return {'type': 'enum', 'name': self.name(), 'symbols': r.sample(['A', 'B', 'C', 'D', 'E'], r.randint(1, 4))}
        if k == 9:
            return {'type': 'fixed', 'name': self.name(), 'size': r.randint(1, 8)}
        if k == 10:
            br = ['null'] + r.sample(['int', 'string', 'long', 'bytes', 'double'], r.randint(1, 2))
            r.shuffle(br)
            return br
        return self.rand_record(depth + 1)

    def rand_record(self, depth):
        r = self.r
        rec = {'type': 'record', 'name': self.name(), 'fields': []}
        if r.random() < 0.3:
            rec['namespace'] = r.choice(['a', 'a.b', ''])
        for i in range(r.randint(0, 4)):
            f = {'name': 'f%d' % i, 'type': self.rand_type(depth)}
            if r.random() < 0.4:
                f['default'] = self.rand_default(f['type'])
            rec['fields'].append(f)
        return rec

    def rand_default(self, t):
        r = self.r
        if r.random() < 0.15:
            return json.loads(r.choice(JVALS))
        if isinstance(t, list):
            return self.rand_default(t[0])
        if isinstance(t, dict):
            tt = t['type']
            if tt == 'array':
                return [] if r.random() < 0.5 else [self.rand_default(t['items'])]
            if tt == 'map':
                return {} if r.random() < 0.5 else {'k': self.rand_default(t['values'])}
            if tt == 'enum':
                return t['symbols'][0]
            if tt == 'fixed':
                return 'x' * t['size']
            if tt == 'record':
                return {f['name']: self.rand_default(f['type']) for f in t['fields']}
            return self.rand_default(tt)
        return {'null': None, 'boolean': True, 'int': 7, 'long': 2 ** 40, 'float': 1.5,
                'double': -2.25, 'bytes': '\u00ff', 'string': 's'}.get(t)

    def mutate(self, v, depth=0):
        """One random edit somewhere in the JSON value v (a copy)."""
        r = self.r
        v = json.loads(json.dumps(v))
        nodes = []

        def walk(x, d):
            if d > 12:
                return
            if isinstance(x, dict):
                nodes.append(x)
                for y in x.values():
                    walk(y, d + 1)
            elif isinstance(x, list):
                nodes.append(x)
                for y in x:
                    walk(y, d + 1)
        walk(v, 0)
        if not nodes:
            return json.loads(r.choice(JVALS))
        n = r.choice(nodes)
        if isinstance(n, list):
            op = r.randrange(4)
            if op == 0 and n:
                del n[r.randrange(len(n))]
            elif op == 1 and n:
                n.append(json.loads(json.dumps(r.choice(n))))
            elif op == 2:
                n.insert(0, r.choice(PRIMS + [json.loads(r.choice(JVALS))]))
            elif n:
                r.shuffle(n)
            return v
        keys = list(n.keys())
        op = r.randrange(8)
        if op == 0 and keys:
            del n[r.choice(keys)]
        elif op == 1 and keys:
            n[r.choice(keys)] = json.loads(r.choice(JVALS))
        elif op == 2:
            n[r.choice(['default', 'doc', 'aliases', 'namespace', 'order', 'logicalType', 'x', 'size', 'symbols'])] = \
                json.loads(r.choice(JVALS + ['"ascending"', '["a"]', '"a.b"', '"date"', '["A","B"]', '4']))
        elif op == 3 and 'type' in n:
            n['type'] = r.choice(PRIMS + ['record', 'enum', 'fixed', 'array', 'map', 'Undef'])
        elif op == 4 and 'name' in n:
            n['name'] = r.choice(NAMES_OK + NAMES_BAD)
        elif op == 5 and keys:
            k = r.choice(keys)
            n[k + 'x'] = n.pop(k)
        elif op == 6:
            n['default'] = self.rand_default(n.get('type', 'int'))
        else:
            n['x-%d' % r.randrange(3)] = json.loads(r.choice(JVALS))
        return v

    def random_schemas(self, count):
        for _ in range(count):
            rec = self.rand_record(0)
            self.add('random', dumps(rec))
            self.add('random-mutated', dumps(self.mutate(rec)))

    def seeds(self, texts, count):
        parsed = []
        for t in texts:
            self.add('seed', t)
            try:
                parsed.append(json.loads(t))
            except ValueError:
                pass
        for _ in range(count):
            if parsed:
                v = self.r.choice(parsed)
                for _ in range(self.r.randint(1, 3)):
                    v = self.mutate(v)
                self.add('seed-mutated', dumps(v))

    # ---- compatibility pairs
    def pairs(self, count):
        r = self.r
        fixed = [('"int"', '"long"'), ('"long"', '"int"'), ('"float"', '"long"'), ('"double"', '"float"'),
                 ('"float"', '"double"'), ('"string"', '"bytes"'), ('"bytes"', '"string"'), ('"int"', '"string"'),
                 ('["null","int"]', '"int"'), ('"int"', '["null","int"]'), ('["long","string"]', '["int","null"]'),
                 ('{"type":"array","items":"long"}', '{"type":"array","items":"int"}'),
                 ('{"type":"map","values":"int"}', '{"type":"map","values":"long"}'),
                 ('{"type":"fixed","name":"F","size":4}', '{"type":"fixed","name":"F","size":5}'),
                 ('{"type":"fixed","name":"F","size":4}', '{"type":"fixed","name":"G","size":4}'),
                 ('{"type":"fixed","name":"F","aliases":["G"],"size":4}', '{"type":"fixed","name":"G","size":4}'),
                 ('{"type":"enum","name":"E","symbols":["A"]}', '{"type":"enum","name":"E","symbols":["A","B"]}'),
                 ('{"type":"enum","name":"E","symbols":["A"],"default":"A"}', '{"type":"enum","name":"E","symbols":["A","B"]}'),
                 ('{"type":"enum","name":"E","symbols":["A","C"]}', '{"type":"enum","name":"E","symbols":["B","A","D"]}'),
                 ('{"type":"enum","name":"n.E","symbols":["A"]}', '{"type":"enum","name":"m.E","symbols":["A"]}'),
                 ('"null"', '"int"'), ('"int"', '"null"'), ('["null"]', '"null"'), ('"string"', '["string","int"]'),
                 ('{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"v","type":"long"}]}',
                  '{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"v","type":"int"}]}'),
                 ('{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"w","type":"int"}]}',
                  '{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"v","type":"int"}]}'),
                 ('{"type":"record","name":"a.R","fields":[]}', '{"type":"record","name":"b.R","fields":[]}'),
                 ('{"type":"record","name":"a.R","aliases":["b.R"],"fields":[]}', '{"type":"record","name":"b.R","fields":[]}'),
                 ('{"type":"record","name":"R","namespace":"a","aliases":["R2"],"fields":[]}', '{"type":"record","name":"a.R2","fields":[]}'),
                 ('{"type":"record","name":"R","fields":[{"name":"b","aliases":["a"],"type":"int"}]}',
                  '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}'),
                 ('{"type":"record","name":"R","fields":[{"name":"b","aliases":["a"],"type":"string"}]}',
                  '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}'),
                 ('["int","string"]', '["string","int","null"]'), ('["long","string"]', '["string","int"]'),
                 ('[{"type":"fixed","name":"F","size":2},"string"]', '[{"type":"fixed","name":"F","size":3}]'),
                 ('{"type":"array","items":{"type":"map","values":["null","double"]}}',
                  '{"type":"array","items":{"type":"map","values":["int","null","float"]}}'),
                 ('{"type":"enum","name":"E","symbols":["A","B"],"default":"B"}', '{"type":"enum","name":"E","symbols":["A","C","D"]}'),
                 ('{"type":"enum","name":"E","symbols":["A"]}', '{"type":"enum","name":"E2","aliases":["E"],"symbols":["A"]}'),
                 ('{"type":"record","name":"R","fields":[{"name":"x","type":{"type":"record","name":"S","fields":[{"name":"y","type":"int"}]}},{"name":"z","type":"S"}]}',
                  '{"type":"record","name":"R","fields":[{"name":"x","type":{"type":"record","name":"S","fields":[{"name":"q","type":"int"}]}},{"name":"z","type":"S"}]}'),
                 ('{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1},{"name":"b","type":"string"}]}',
                  '{"type":"record","name":"R","fields":[]}'),
                 ('{"type":"int","logicalType":"date"}', '"int"'), ('{"type":"long","logicalType":"timestamp-millis"}', '"int"'),
                 ('"bytes"', '{"type":"fixed","name":"F","size":4}'), ('{"type":"map","values":"int"}', '{"type":"array","items":"int"}')]
        for a, b in fixed:
            self.add('compat', a, 'compat', b)
            self.add('compat', b, 'compat', a)
        for _ in range(count):
            w = self.rand_record(0)
            rd = self.compat_mutate(w)
            for _ in range(r.randint(0, 2)):
                rd = self.compat_mutate(rd)
            self.add('compat-random', dumps(rd), 'compat', dumps(w))
            self.add('compat-random', dumps(w), 'compat', dumps(rd))

    def seed_pairs(self, texts, count):
        """Pairs from the recorded schemas: one side mutated."""
        recs = []
        for t in texts:
            try:
                v = json.loads(t)
            except ValueError:
                continue
            if isinstance(v, dict) and v.get('type') == 'record' and isinstance(v.get('fields'), list):
                recs.append(v)
        for _ in range(count if recs else 0):
            w = self.r.choice(recs)
            try:
                rd = self.compat_mutate(w)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                continue
            self.add('compat-seed', dumps(rd), 'compat', dumps(w))
            self.add('compat-seed', dumps(w), 'compat', dumps(rd))

    def compat_mutate(self, rec):
        r = self.r
        rec = json.loads(json.dumps(rec))
        recs = []

        def walk(x):
            if isinstance(x, dict):
                if x.get('type') in ('record', 'enum', 'fixed'):
                    recs.append(x)
                for y in x.values():
                    walk(y)
            elif isinstance(x, list):
                for y in x:
                    walk(y)
        walk(rec)
        n = r.choice(recs)
        op = r.randrange(10)
        promo = {'int': ['long', 'float', 'double', 'string'], 'long': ['float', 'double', 'int'],
                 'float': ['double', 'long'], 'string': ['bytes', 'int'], 'bytes': ['string'],
                 'double': ['float'], 'null': ['int'], 'boolean': ['int']}
        if n['type'] == 'enum':
            syms = n['symbols']
            if op < 4 and len(syms) > 1:
                syms.pop(r.randrange(len(syms)))
            elif op < 7:
                syms.append(r.choice(['X', 'Y', 'Z']))
                n['symbols'] = list(dict.fromkeys(syms))
            elif op < 8:
                n['default'] = syms[0]
            else:
                n['name'] = n['name'] + 'x'
            return rec
        if n['type'] == 'fixed':
            if op < 5:
                n['size'] += 1
            elif op < 8:
                n['aliases'] = [n['name']]
                n['name'] = n['name'] + 'y'
            else:
                n['name'] = n['name'] + 'y'
            return rec
        fields = n['fields']
        if op == 0:
            fields.append({'name': 'n%d' % r.randrange(100), 'type': self.rand_type(2)})
        elif op == 1:
            t = self.rand_type(2)
            fields.append({'name': 'd%d' % r.randrange(100), 'type': t, 'default': self.rand_default(t)})
        elif op == 2 and fields:
            fields.pop(r.randrange(len(fields)))
        elif op == 3 and fields:
            f = r.choice(fields)
            if isinstance(f['type'], str) and f['type'] in promo:
                f['type'] = r.choice(promo[f['type']])
        elif op == 4 and fields:
            f = r.choice(fields)
            f['type'] = ['null', f['type']] if not isinstance(f['type'], list) else f['type'][1:] or ['null']
        elif op == 5 and fields:
            f = r.choice(fields)
            f['aliases'] = [f['name']]
            f['name'] = f['name'] + 'r'
        elif op == 6:
            n['aliases'] = [n['name']]
            n['name'] = n['name'] + 'z'
        elif op == 7:
            n['name'] = n['name'] + 'z'
        elif op == 8 and fields:
            f = r.choice(fields)
            f['type'] = self.rand_type(2)
        elif fields:
            f = r.choice(fields)
            f.pop('default', None)
        return rec

    # ---- JSON texts (JSON Schema documents as Jackson reads them)
    def json_texts(self, count):
        for v in JVALS:
            self.add('json', '{"type":"object","description":"d","x-v":%s}' % v, 'json')
            self.add('json', '{"type":"object","x-v":[%s, %s]}' % (v, v), 'json')
        odd = ['{"type":"object","x":NaN}', '{"type":"object","x":Infinity}', '{"type":"object","x":-Infinity}',
               '{"type":"object","x":+Infinity}', '{"type":"object","x":01}', '{"type":"object","x":+1}',
               '{"type":"object","x":.5}', '{"type":"object","x":1.}', '{"type":"object","x":1e}',
               '{"type":"object","x":1,"x":2}', '{"x":1,"type":"object","x":{"a":1}}',
               '{"type":"object"} x', '{"type":"object"} {}', '{"type":"object"}\n\n', ' \t\r\n{"type":"object"}',
               '{"type":"object",}', '{"type":"object" /*c*/}', "{'type':'object'}", '{"type":"object","x":"\\u0000"}',
               '{"type":"object","x":"\\ud800"}', '{"type":"object","x":"\\udc00\\ud800"}', '{"type":"object","x":"a\tb"}',
               '{"type":"object","x":"\\x"}', '{"type":"object","x":"\\/\\b\\f\\n\\r\\t\\"\\\\"}',
               '{"type":"object","x":"\u007f\u0080\u2028\ufeff"}', '\ufeff{"type":"object"}', '{"type":"object","x":tru}',
               '{"type":"object","x":[1,]}', '{"type":"object","x":[,1]}', '', ' ', 'true', '{}', '[]', '{"":1}',
               '{"type":"object","x":1E+2}', '{"type":"object","x":1e-0}', '{"type":"object","x":-0.0e0}',
               '{"type":"object","x":100000000000000000000000000000000000000.0}', '{"type":"object","x":1e2147483648}',
               '{"type":"object","x":0.00000000000000000000001}', '{"type":"object","x":123456789012345678}',
               '{"type":"object","properties":{"a":{"type":"integer","minimum":1.50,"default":1.0}}}',
               '{"type":"object","properties":{"b":{"type":"number","maximum":1e3,"multipleOf":0.10}}}',
               '{"type":"object","x":+INF}', '{"type":"object","x":-INF}', '{"type":"object","x":INF}',
               '{"type":"object","x":-NaN}', '{"type":"object","x":nan}', '{"type":"object","x":Infinityx}',
               '{"type":"object","x":1e-2147483649}', '{"type":"object","x":-1e-2147483649}',
               '{"type":"object","x":0e99999999999}', '{"type":"object","x":-0e99999999999}',
               '{"type":"object","x":1.5e99999999999}', '{"type":"object","x":-2e2147483648}',
               '{"type":"object","x":0.1e-2147483647}', '{"type":"object","x":10e2147483647}',
               '{"type":"object","x":[1,{"y":NaN}]}', 'NaN', '-Infinity', '{"minimum":Infinity}']
        for t in odd:
            self.add('json', t, 'json')
        for _ in range(count):
            self.add('json-random', self.rand_json_schema(), 'json')
        # Numbers as BigDecimal reads and writes them: digits, fractions,
        # exponents of every size and sign, trailing zeros.
        r = self.r
        for _ in range(count):
            intpart = str(r.randint(0, 10 ** r.randint(0, 25)))
            lit = r.choice(['', '-']) + intpart
            if r.random() < 0.6:
                lit += '.' + str(r.randint(0, 10 ** r.randint(0, 12))).rjust(r.randint(1, 6), '0')
            if r.random() < 0.6:
                lit += r.choice(['e', 'E']) + r.choice(['', '+', '-']) + str(r.randint(0, 400))
            key = r.choice(['minimum', 'maximum', 'multipleOf', 'default', 'const', 'x-n'])
            self.add('json-number', '{"type":"number","%s":%s}' % (key, lit), 'json')

    def rand_json_value(self, d):
        r = self.r
        k = r.randrange(8 if d < 3 else 4)
        if k < 4:
            return r.choice(JVALS[:34])
        if k < 6:
            return '[' + ','.join(self.rand_json_value(d + 1) for _ in range(r.randint(0, 3))) + ']'
        keys = r.sample(['a', 'b', 'a', 'é', '', 'type', 'z', '\\u0041'], r.randint(0, 3))
        return '{' + ','.join('"%s":%s' % (k, self.rand_json_value(d + 1)) for k in keys) + '}'

    def rand_json_schema(self):
        r = self.r
        ws = lambda: r.choice(['', ' ', '\n', '\t ', '\r\n  '])
        props = ['"type"%s:%s"object"' % (ws(), ws())]
        for i in range(r.randint(0, 4)):
            props.append('"x-%d"%s:%s%s' % (i, ws(), ws(), self.rand_json_value(0)))
        r.shuffle(props)
        return ws() + '{' + (',' + ws()).join(props) + '}' + ws()


def conformance_schemas(shared):
    out = []
    path = os.path.join(shared, 'conformance', 'scenarios.json')
    if not os.path.exists(path):
        return out, []
    jsn = []
    for sc in json.load(open(path)):
        for st in sc['steps']:
            b = st.get('b')
            if isinstance(b, dict) and isinstance(b.get('schema'), str):
                (jsn if b.get('schemaType') == 'JSON' else out if b.get('schemaType', 'AVRO') == 'AVRO' else []).append(b['schema'])
    return list(dict.fromkeys(out)), list(dict.fromkeys(jsn))


def fuzz_texts(fuzz_dir, harness):
    out = []
    d = os.path.join(fuzz_dir, harness)
    if not os.path.isdir(d):
        return out
    for f in sorted(os.listdir(d)):
        for part in open(os.path.join(d, f), 'rb').read().split(b'\xff'):
            try:
                out.append(part.decode('utf-8'))
            except UnicodeDecodeError:
                pass
    return out


def gen(seed, shared, fuzz_seeds, scale=1):
    g = Gen(seed)
    g.primitives()
    g.logical()
    g.names()
    g.references()
    g.unicode_names(1500 * scale)
    g.annotations()
    g.defaults()
    g.structure()
    g.syntax()
    g.numbers(400 * scale)
    g.strings(600 * scale)
    g.random_schemas(600 * scale)
    avro_seeds, json_seeds = conformance_schemas(shared)
    avro_seeds += fuzz_texts(fuzz_seeds, 'avro_parse') + fuzz_texts(fuzz_seeds, 'avro_compat')
    g.seeds(avro_seeds, 1200 * scale)
    g.pairs(800 * scale)
    g.seed_pairs(avro_seeds, 200 * scale)
    for t in json_seeds + fuzz_texts(fuzz_seeds, 'schema_json'):
        g.add('json-seed', t, 'json')
    g.json_texts(800 * scale)
    return g.out


if __name__ == '__main__':
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    for case in gen(1, os.path.join(here, '..', '..', '..', 'shared'),
                    os.path.join(here, '..', 'fuzz', 'seeds')):
        cat, kind, s, w = case[:4]
        d = {'c': cat, 'k': kind, 's': s}
        if w is not None:
            d['w'] = w
        if len(case) > 4:
            d['refs'] = case[4]
        sys.stdout.write(json.dumps(d) + '\n')
