#!/usr/bin/env python3
"""Inputs of the golden answers (tests/integration/test_diff_golden.py),
development time only: make_golden.sh runs Confluent 7.9.0's own code on
them (GoldenRef.java) and packs inputs and answers into golden/*.jsonl.gz,
which CI compares schemad with.

  gen_golden.py [--json-only]         the inputs, one JSON line each (JSON
                                      Schema pairs only: for 8.3.0)
  gen_golden.py --pack IN ANS DIR [TAG]
                                      write DIR/json_compat.jsonl.gz and
                                      DIR/avro_norm.jsonl.gz (TAG 7.9.0, the
                                      default), or DIR/json_compat_v8.jsonl.gz
                                      (TAG v8.3.0: dialect 8's answers)

JSON Schema pairs ("jcompat", both directions): variants of one keyword
family (every Difference.Type of JsonSchemaDiff: content models open,
partially open and closed; required; dependencies; additionalProperties and
additionalItems; types narrowed and extended; enum and const; oneOf, anyOf
and allOf with sub-schema matching; numeric, string and array bounds;
tuples; $ref; not; if/then/else; draft-04/06/07 spellings), each pair also
nested under a property, the items, a combined branch and a definition, and
random compositions; what Confluent 8.3 reads otherwise (V8); 2019-09
and 2020-12 documents (json-sKema and
Confluent's SchemaTranslator, 7.9.0's loadLatestDraft): the keywords those
drafts read otherwise, per draft, nested, under every spelling of $schema,
alone (accepted or refused) and paired, random and mutated.  Avro texts ("anorm"): the Avro inputs of
tests/diff/gen.py (names, namespaces, aliases, orders, properties, defaults,
logical types, references) and a set of order/namespace permutations.
Deterministic.
"""
import gzip
import itertools
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

SEED = 20261207


def d(v):
    return json.dumps(v, separators=(',', ':'))


def obj(props=None, **kw):
    s = {'type': 'object'}
    if props is not None:
        s['properties'] = props
    s.update(kw)
    return s


S = {'type': 'string'}
I = {'type': 'integer'}
N = {'type': 'number'}
B = {'type': 'boolean'}

FAMILIES = {
    'type': [S, I, N, B, {'type': 'null'}, {'type': ['string', 'null']}, {'type': ['integer', 'string']},
             {'type': ['number', 'integer']}, {'type': ['string', 'integer', 'null']}, {}, True, False,
             {'type': 'array'}, {'type': 'object'}, {'not': {}}, {'type': ['number']}],
    'string': [S, {'type': 'string', 'minLength': 1}, {'type': 'string', 'minLength': 2},
               {'type': 'string', 'maxLength': 5}, {'type': 'string', 'maxLength': 10},
               {'type': 'string', 'minLength': 1, 'maxLength': 10}, {'type': 'string', 'pattern': '^a'},
               {'type': 'string', 'pattern': '^b'}, {'type': 'string', 'format': 'email'},
               {'type': 'string', 'format': 'date'}, {'type': 'string', 'maxLength': 5, 'pattern': '^a'},
               {'minLength': 3}, {'type': 'string', 'contentEncoding': 'base64'}],
    'number': [N, I, {'type': 'number', 'minimum': 0}, {'type': 'number', 'minimum': 1},
               {'type': 'number', 'maximum': 10}, {'type': 'number', 'maximum': 5},
               {'type': 'number', 'exclusiveMinimum': 0}, {'type': 'number', 'exclusiveMinimum': 1},
               {'type': 'number', 'exclusiveMaximum': 10}, {'type': 'number', 'exclusiveMaximum': 5},
               {'type': 'number', 'multipleOf': 2}, {'type': 'number', 'multipleOf': 4},
               {'type': 'number', 'multipleOf': 3}, {'type': 'number', 'multipleOf': 1.5},
               {'type': 'integer', 'minimum': 0, 'maximum': 100}, {'type': 'number', 'minimum': 0.5},
               {'type': 'number', 'minimum': 0, 'exclusiveMinimum': True, '$schema': 'http://json-schema.org/draft-04/schema#'},
               {'type': 'number', 'maximum': 10, 'exclusiveMaximum': True, '$schema': 'http://json-schema.org/draft-04/schema#'},
               {'type': 'number', 'maximum': 10, 'exclusiveMaximum': False, '$schema': 'http://json-schema.org/draft-04/schema#'},
               {'type': 'integer', 'minimum': 1e2}, {'maximum': 3}],
    'object': [obj(), obj({}), obj({'a': S}), obj({'a': I}), obj({'a': S, 'b': I}), obj({'b': I}),
               obj({'a': S}, required=['a']), obj({'a': S, 'b': I}, required=['a', 'b']),
               obj({'a': S, 'b': I}, required=['b']), obj({'a': S}, additionalProperties=False),
               obj({'a': S, 'b': I}, additionalProperties=False), obj({'a': S}, additionalProperties=True),
               obj({'a': S}, additionalProperties=S), obj({'a': S}, additionalProperties=I),
               obj({'a': S}, additionalProperties={}), obj({'a': S, 'b': {}}),
               obj({'a': S, 'b': False}), obj({'a': S, 'b': True}),
               obj({'a': S}, additionalProperties=False, required=['a']),
               obj({'a': S, 'b': I}, additionalProperties=False, required=['b']),
               obj({'a': S, 'b': {'type': 'integer', 'default': 0}}, required=['b']),
               obj({'a': S, 'b': {'type': 'integer', 'default': 0}}, required=['b'], additionalProperties=False),
               obj({'a': S}, patternProperties={'^b': I}), obj({'a': S, 'b': I}, patternProperties={'^b': I}),
               obj({'a': S}, patternProperties={'^b': S}), obj({'a': S}, patternProperties={'^c': I}),
               obj({'a': S}, patternProperties={'^b': {}}),
               obj({'a': S}, patternProperties={'^b': I}, additionalProperties=False),
               obj({'a': S, 'b': I}, patternProperties={'^b': I}, additionalProperties=False),
               obj({'a': S, 'b': S}, patternProperties={'^b': I}, additionalProperties=False),
               obj({'a': S}, minProperties=1), obj({'a': S}, minProperties=2),
               obj({'a': S}, maxProperties=3), obj({'a': S}, maxProperties=2),
               obj({'a': S}, propertyNames={'pattern': '^[a-z]'}),
               {'properties': {'a': S}}, {'required': ['a']}],
    'dependencies': [obj({'a': S, 'b': I}), obj({'a': S, 'b': I}, dependencies={'a': ['b']}),
                     obj({'a': S, 'b': I, 'c': B}, dependencies={'a': ['b', 'c']}),
                     obj({'a': S, 'b': I, 'c': B}, dependencies={'a': ['c']}),
                     obj({'a': S, 'b': I}, dependencies={'b': ['a']}),
                     obj({'a': S, 'b': I}, dependencies={'a': {'required': ['b']}}),
                     obj({'a': S, 'b': I}, dependencies={'a': {'properties': {'b': {'minimum': 1}}}}),
                     obj({'a': S, 'b': I}, dependencies={'a': ['b'], 'b': {'required': ['a']}}),
                     obj({'a': S, 'b': I, 'c': B}, dependencies={'a': ['b'], 'c': ['a']})],
    'array': [{'type': 'array'}, {'type': 'array', 'items': S}, {'type': 'array', 'items': I},
              {'type': 'array', 'items': {}}, {'type': 'array', 'items': {'type': ['string', 'null']}},
              {'type': 'array', 'items': S, 'minItems': 1}, {'type': 'array', 'items': S, 'minItems': 2},
              {'type': 'array', 'items': S, 'maxItems': 5}, {'type': 'array', 'items': S, 'maxItems': 3},
              {'type': 'array', 'items': S, 'uniqueItems': True}, {'type': 'array', 'items': S, 'uniqueItems': False},
              {'type': 'array', 'contains': S}, {'type': 'array', 'contains': I}],
    'tuple': [{'type': 'array', 'items': [S]}, {'type': 'array', 'items': [S, I]},
              {'type': 'array', 'items': [S, I, B]}, {'type': 'array', 'items': [I, S]},
              {'type': 'array', 'items': [S], 'additionalItems': False},
              {'type': 'array', 'items': [S, I], 'additionalItems': False},
              {'type': 'array', 'items': [S], 'additionalItems': I},
              {'type': 'array', 'items': [S, I], 'additionalItems': I},
              {'type': 'array', 'items': [S], 'additionalItems': S},
              {'type': 'array', 'items': [S], 'additionalItems': True},
              {'type': 'array', 'items': [S], 'additionalItems': {}},
              {'type': 'array', 'items': [S, {}]}, {'type': 'array', 'items': [S, False]},
              {'type': 'array', 'items': [S, {}], 'additionalItems': False},
              {'type': 'array', 'items': [S, False], 'additionalItems': False},
              {'type': 'array', 'items': [S, I], 'additionalItems': S},
              {'type': 'array', 'items': S}, {'type': 'array'}],
    'enum': [{'enum': ['a']}, {'enum': ['a', 'b']}, {'enum': ['a', 'b', 'c']}, {'enum': ['b', 'c']},
             {'enum': ['b', 'a']}, {'type': 'string', 'enum': ['a', 'b']}, {'enum': [1, 2]},
             {'enum': ['a', 1, None]}, {'const': 'a'}, {'const': 'b'}, {'const': 1},
             {'const': {'x': 1}}, {'enum': [{'x': 1}]}, S, {'enum': [True]}, {'const': None}],
    'combined': [{'oneOf': [S, I]}, {'oneOf': [S, I, B]}, {'oneOf': [I, S]}, {'oneOf': [S]},
                 {'anyOf': [S, I]}, {'anyOf': [S, I, B]}, {'anyOf': [S]}, {'allOf': [S]},
                 {'allOf': [S, {'maxLength': 5}]}, {'allOf': [S, {'maxLength': 5}, {'minLength': 1}]},
                 {'allOf': [{'maxLength': 5}, S]}, {'oneOf': [S, {'type': 'number'}]},
                 {'oneOf': [{'type': 'string', 'maxLength': 5}, I]}, {'oneOf': [S, S]},
                 {'anyOf': [obj({'a': S}), obj({'b': I})]}, {'oneOf': [obj({'a': S}), obj({'b': I})]},
                 {'oneOf': [obj({'a': S}, additionalProperties=False), obj({'b': I})]},
                 {'oneOf': [S, I], 'type': 'string'}, S, I, {'type': ['string', 'integer']},
                 {'oneOf': [{'type': 'null'}, S]}, {'anyOf': [{'type': 'null'}, S, I]},
                 {'allOf': [obj({'a': S}), obj({'b': I})]}, {'allOf': [obj({'a': S})]}],
    'not': [{'not': S}, {'not': I}, {'not': {'type': ['string', 'integer']}}, {'not': {}}, S,
            {'not': {'enum': ['a']}}, {'not': {'enum': ['a', 'b']}}, {'not': {'type': 'string', 'maxLength': 3}},
            {'not': {'not': S}}],
    'conditional': [{'if': obj({'a': {'const': 1}}), 'then': obj(required=['b'])},
                    {'if': obj({'a': {'const': 1}}), 'then': obj(required=['b']), 'else': obj(required=['c'])},
                    {'if': obj({'a': {'const': 2}}), 'then': obj(required=['b'])},
                    {'if': obj({'a': {'const': 1}}), 'then': obj(required=['c'])},
                    {'if': obj({'a': {'const': 1}}), 'else': obj(required=['c'])},
                    {'if': S, 'then': {'maxLength': 3}}, {'if': S, 'then': {'maxLength': 4}},
                    {'then': {'maxLength': 3}}, {}, obj({'a': S})],
    'ref': [{'definitions': {'x': S}, '$ref': '#/definitions/x'},
            {'definitions': {'x': I}, '$ref': '#/definitions/x'},
            {'definitions': {'x': {'type': 'string', 'maxLength': 3}}, '$ref': '#/definitions/x'},
            {'definitions': {'x': S}, 'type': 'object', 'properties': {'a': {'$ref': '#/definitions/x'}}},
            {'definitions': {'x': I}, 'type': 'object', 'properties': {'a': {'$ref': '#/definitions/x'}}},
            {'definitions': {'x': S, 'y': I}, 'type': 'object',
             'properties': {'a': {'$ref': '#/definitions/x'}, 'b': {'$ref': '#/definitions/y'}}},
            obj({'a': S}), S,
            {'definitions': {'n': {'type': 'object', 'properties': {'next': {'$ref': '#/definitions/n'}, 'v': S}}},
             '$ref': '#/definitions/n'},
            {'definitions': {'n': {'type': 'object', 'properties': {'next': {'$ref': '#/definitions/n'}, 'v': I}}},
             '$ref': '#/definitions/n'},
            {'$defs': {'x': S}, 'type': 'object', 'properties': {'a': {'$ref': '#/$defs/x'}}},
            {'type': 'object', 'properties': {'a': S, 'b': {'$ref': '#/properties/a'}}},
            {'type': 'object', 'properties': {'a': I, 'b': {'$ref': '#/properties/a'}}}],
    'annotation': [S, {'type': 'string', 'title': 't'}, {'type': 'string', 'title': 'u'},
                   {'type': 'string', 'description': 'd'}, {'type': 'string', 'default': 'x'},
                   {'type': 'string', 'default': 'y'}, {'type': 'string', '$id': 'http://x/y'},
                   {'type': 'string', 'examples': ['a']}, {'type': 'string', 'readOnly': True},
                   {'type': 'string', 'x-custom': 1}],
}

# What each draft reads as a keyword, and how: exclusive bounds as booleans
# or numbers, boolean subschemas per place, if/then/else, contains,
# propertyNames, const; the root's $schema against a subschema's.
DRAFT_KEYS = [
    {'type': 'number', 'maximum': 5, 'exclusiveMaximum': True},
    {'type': 'number', 'minimum': 5, 'exclusiveMinimum': False},
    {'type': 'number', 'exclusiveMaximum': 5}, {'type': 'number', 'exclusiveMinimum': 1},
    {'type': 'number', 'maximum': 5}, {'type': 'number', 'maximum': 5, 'exclusiveMaximum': 5},
    {'type': 'array', 'items': True}, {'type': 'array', 'items': False}, {'type': 'array', 'items': [True]},
    {'type': 'array', 'items': [S], 'additionalItems': False}, {'type': 'array', 'contains': S},
    {'type': 'array', 'contains': I}, {'type': 'array'}, {'contains': S},
    obj({'a': False}), obj({'a': True}), obj({'a': S}), {'not': True}, {'not': False},
    {'allOf': [True]}, {'anyOf': [False, S]}, obj({'a': S}, dependencies={'a': True}),
    obj({'a': S}, dependencies={'a': False}), obj({'a': S}, dependencies={'a': ['b']}),
    obj({}, propertyNames={'maxLength': 3}), {'propertyNames': {'maxLength': 3}},
    {'if': S, 'then': {'maxLength': 3}}, {'if': S, 'else': I}, {'then': {'maxLength': 3}}, {'if': 5},
    {'const': 1}, {'const': 2}, {'enum': [1]}, {}, {'title': 'x'},
    obj({'a': S}, additionalProperties=True), obj({'a': S}, additionalProperties=False),
    obj({'x': {'$schema': 'http://json-schema.org/draft-04/schema#', 'maximum': 3, 'exclusiveMaximum': True}}),
    obj({'x': {'$schema': 'http://json-schema.org/draft-06/schema#', 'if': S, 'then': {'maxLength': 1}}}),
]
DRAFT_URLS = ['http://json-schema.org/draft-04/schema#', 'http://json-schema.org/draft-04/schema',
              'https://json-schema.org/draft-04/schema', 'http://json-schema.org/schema#',
              'http://json-schema.org/draft-06/schema#', 'https://json-schema.org/draft-06/schema',
              'http://json-schema.org/draft-07/schema#', 'http://example.com/unknown', 5, None]

# Other documents a $ref reaches (Confluent's references, by name, against
# the referrer's $id).
REF_DOCS = [
    ({'$ref': 'dep.json'}, {'dep.json': S}),
    ({'$ref': 'dep.json'}, {'dep.json': I}),
    ({'$ref': 'dep.json'}, {'dep.json': {'type': 'string', 'maxLength': 3}}),
    (obj({'a': {'$ref': 'dep.json'}}), {'dep.json': S}),
    (obj({'a': {'$ref': 'dep.json'}}), {'dep.json': N}),
    (obj({'a': {'$ref': 'dep.json#/definitions/x'}}), {'dep.json': {'definitions': {'x': S}}}),
    (obj({'a': {'$ref': 'dep.json#/definitions/x'}}), {'dep.json': {'definitions': {'x': I}}}),
    ({'$id': 'http://example.com/root.json', 'type': 'object', 'properties': {'a': {'$ref': 'dep.json'}}},
     {'dep.json': obj({'b': S})}),
    ({'$id': 'http://example.com/root.json', 'type': 'object', 'properties': {'a': {'$ref': 'dep.json'}}},
     {'dep.json': obj({'b': S}, additionalProperties=False)}),
    ({'$id': 'http://example.com/root.json', 'type': 'object', 'properties': {'a': {'$ref': 'dep.json'}}},
     {'dep.json': obj({'b': S, 'c': I}, required=['c'])}),
    (obj({'a': {'$ref': 'other.json'}, 'b': {'$ref': 'dep.json'}}), {'dep.json': S, 'other.json': I}),
    (obj({'a': {'$ref': 'other.json'}, 'b': {'$ref': 'dep.json'}}), {'dep.json': I, 'other.json': I}),
    ({'oneOf': [{'$ref': 'dep.json'}, {'type': 'null'}]}, {'dep.json': S}),
    ({'oneOf': [{'$ref': 'dep.json'}, {'type': 'null'}]}, {'dep.json': obj({'x': S})}),
    (obj({'a': S}), {}),
]

# Same-document $refs, numbers and enums spelled differently, subschemas
# that collapse once everit writes them back.
EXTRA = {
    'ref2': [{'definitions': {'x': S}, '$ref': '#/definitions/x', 'maxLength': 3},
             {'definitions': {'x': {'type': 'string', 'maxLength': 3}}, '$ref': '#/definitions/x'},
             {'definitions': {'x': {'$ref': '#/definitions/y'}, 'y': S}, '$ref': '#/definitions/x'},
             {'definitions': {'x': {'$ref': '#/definitions/y'}, 'y': I}, '$ref': '#/definitions/x'},
             {'definitions': {'x': S}, 'oneOf': [{'$ref': '#/definitions/x'}, {'type': 'null'}]},
             {'definitions': {'x': S}, 'oneOf': [{'$ref': '#/definitions/x'}, {'$ref': '#/definitions/x'}]},
             {'definitions': {'x': S}, 'type': 'array', 'items': {'$ref': '#/definitions/x'}},
             {'definitions': {'x': S}, 'type': 'array', 'items': [{'$ref': '#/definitions/x'}], 'additionalItems': False},
             {'definitions': {'t': {'type': 'object', 'properties': {'c': {'$ref': '#/definitions/t'}}, 'additionalProperties': False}},
              '$ref': '#/definitions/t'},
             {'definitions': {'t': {'type': 'object', 'properties': {'c': {'$ref': '#/definitions/t'}, 'd': S},
                                    'additionalProperties': False}}, '$ref': '#/definitions/t'},
             {'$id': 'http://example.com/r.json', 'definitions': {'x': {'$id': '#xx', 'type': 'string'}},
              '$ref': '#xx'}],
    'anchor': [{'type': 'object', 'properties': {'a': {'$ref': '#xx'}, 'b': {'$id': '#xx', 'type': 'string'}}},
               {'type': 'object', 'properties': {'a': {'$ref': '#xx'}, 'b': {'$id': '#xx', 'type': 'integer'}}},
               {'type': 'object', 'properties': {'a': {'$ref': '#yy'}, 'b': {'type': 'string'}}},
               {'type': 'object', 'properties': {'a': {'$ref': '#'}, 'b': {'type': 'string'}}},
               {'type': 'object', 'properties': {'a': S, 'b': S}},
               {'type': 'object', 'properties': {'a': I, 'b': S}},
               {'$id': 'http://example.com/r.json', 'definitions': {'x': {'$id': 'http://example.com/r.json#yy', 'type': 'string'}},
                '$ref': '#yy'},
               {'$id': 'http://example.com/r.json', 'definitions': {'x': {'$id': 'http://other.com/r.json#yy', 'type': 'string'}},
                '$ref': '#yy'},
               {'$schema': 'http://json-schema.org/draft-04/schema#', 'definitions': {'x': {'id': '#xx', 'type': 'string'}},
                '$ref': '#xx'},
               {'definitions': {'x': {'$id': '#xx', 'type': 'string'}, 'y': {'$id': '#xx', 'type': 'integer'}}, '$ref': '#xx'},
               {'$schema': 5}, {'$schema': None}, {'$schema': ''}, {'properties': {'a': {'$schema': 5}}}, S, {}],
    'numbers2': [{'type': 'number', 'minimum': 1}, {'type': 'number', 'minimum': 1.0},
                 {'type': 'number', 'minimum': 1.5}, {'type': 'number', 'minimum': -1},
                 {'type': 'number', 'minimum': 1e2}, {'type': 'number', 'minimum': 100},
                 {'type': 'number', 'multipleOf': 0.5}, {'type': 'number', 'multipleOf': 1.5},
                 {'type': 'number', 'multipleOf': 0.1}, {'type': 'number', 'multipleOf': 0.3},
                 {'type': 'number', 'multipleOf': 10}, {'type': 'number', 'multipleOf': 2.5},
                 {'type': 'number', 'maximum': 12345678901234567890},
                 {'type': 'number', 'maximum': 12345678901234567891},
                 {'type': 'integer', 'exclusiveMinimum': 0, 'minimum': 1},
                 {'type': 'integer', 'exclusiveMinimum': 0, 'minimum': 0},
                 {'type': 'number', 'exclusiveMinimum': 0.5}, {'type': 'number', 'exclusiveMinimum': 2}],
    'enum2': [{'enum': [1]}, {'enum': [1.0]}, {'enum': [1, 2]}, {'enum': [{'a': 1, 'b': 2}]},
              {'enum': [{'b': 2, 'a': 1}]}, {'enum': [[1, 2]]}, {'enum': [[2, 1]]}, {'const': 1.0},
              {'const': [1]}, {'enum': ['a', 'a']}, {'enum': [None, 'a']}, {'enum': []},
              {'type': ['string', 'null'], 'enum': ['a', None]}, {'const': 'a', 'type': 'string'}],
    'collapse': [{'oneOf': [{'type': 'string', 'maxLength': 3}, {'maxLength': 3, 'type': 'string'}]},
                 {'oneOf': [{'type': 'string', 'maxLength': 3}]},
                 {'oneOf': [{'type': 'string', 'title': 'a'}, {'type': 'string', 'title': 'b'}]},
                 {'oneOf': [S, {'type': 'string', 'title': 'b'}, I]},
                 {'anyOf': [S, S, I]}, {'anyOf': [S, I]}, {'allOf': [S, S]}, {'allOf': [S]},
                 {'oneOf': [{'type': 'string'}, {'type': 'string', 'default': 'x'}]},
                 {'oneOf': [obj({'a': S}), obj({'a': S}, required=['a'])]},
                 {'oneOf': [obj({'a': S}), obj({'b': S}), obj({'c': S})]},
                 {'oneOf': [obj({'a': S}), obj({'b': S})]},
                 {'oneOf': [obj({'a': S}, additionalProperties=False), obj({'b': S}, additionalProperties=False)]},
                 {'type': 'string', 'oneOf': [{'maxLength': 3}, {'minLength': 5}]},
                 {'type': 'string', 'anyOf': [{'maxLength': 3}, {'minLength': 5}]},
                 {'oneOf': [S, {'type': 'string', 'additionalProperties': True}]},
                 {'oneOf': [{'type': 'string', 'additionalProperties': True}, S]},
                 {'oneOf': [{'type': 'string', 'uniqueItems': False}, S, I]},
                 {'oneOf': [obj({'a': S}), obj({'a': S}, required=[], additionalProperties=True)]},
                 {'oneOf': [obj({}), {'type': 'object', 'properties': {}, 'dependencies': {}}]},
                 {'oneOf': [{'type': 'number', 'minimum': 1.0}, {'type': 'number', 'minimum': 1}]},
                 {'oneOf': [{'type': 'number', 'minimum': 1.50}, {'type': 'number', 'minimum': 1.5}]},
                 {'oneOf': [{'type': 'number', 'minimum': 100}, {'type': 'number', 'minimum': 1e2}]},
                 {'oneOf': [{'enum': [1.0]}, {'enum': [1]}]}, {'oneOf': [{'const': 2.0}, {'const': 2}, S]},
                 {'oneOf': [{'$id': 'x', 'type': 'string'}, {'id': 'x', 'type': 'string'}]},
                 {'oneOf': [{'type': ['string', 'null']}, {'anyOf': [S, {'type': 'null'}]}]},
                 {'anyOf': [{'type': 'array', 'additionalItems': True}, {'type': 'array'}]},
                 {'anyOf': [{'type': 'string', 'maxLength': 3, 'x': 1}, {'type': 'string', 'maxLength': 3}]},
                 {'anyOf': [{'type': ['string', 'integer'], 'maxLength': 3}, {'type': ['string', 'integer']}]}],
    'required2': [obj({'a': S, 'b': {'type': 'string', 'default': 'x'}}),
                  obj({'a': S, 'b': {'type': 'string', 'default': 'x'}}, required=['b']),
                  obj({'a': S, 'b': {'type': 'string', 'default': 'x'}}, required=['a', 'b']),
                  obj({'a': S}, required=['b']), obj({'a': S}, required=['a', 'a']),
                  obj({'a': S, 'b': {'type': 'string', 'default': 'x'}}, required=['b'], additionalProperties=False),
                  obj({'a': S}, required=['b'], additionalProperties=False),
                  obj({'a': S}, required=['b'], patternProperties={'^b': S}),
                  obj({'a': S, 'b': {'default': None}}, required=['b'], additionalProperties=False)],
}

DRAFTS = [None, 'http://json-schema.org/draft-04/schema#', 'http://json-schema.org/draft-06/schema#',
          'http://json-schema.org/draft-07/schema#', 'https://json-schema.org/draft-07/schema']

# Wrappers: the pair placed deeper, so that paths and the nesting rules show.
WRAPS = [
    ('prop', lambda x: obj({'p': x})),
    ('prop-closed', lambda x: obj({'p': x}, additionalProperties=False, required=['p'])),
    ('items', lambda x: {'type': 'array', 'items': x}),
    ('tuple', lambda x: {'type': 'array', 'items': [S, x]}),
    ('oneOf', lambda x: {'oneOf': [{'type': 'null'}, x]}),
    ('allOf', lambda x: {'allOf': [x]}),
    ('additional', lambda x: obj({}, additionalProperties=x)),
    ('not', lambda x: {'not': x}),
    ('def', lambda x: {'definitions': {'d': x}, '$ref': '#/definitions/d'}),
    ('dep', lambda x: obj({'a': S}, dependencies={'a': x})),
]


def with_draft(x, draft):
    if draft is None or not isinstance(x, dict):
        return x
    y = {'$schema': draft}
    y.update({k: v for k, v in x.items() if k != '$schema'})
    return y


def json_pairs(r):
    out = []
    for fam, vs in FAMILIES.items():
        for a, b in itertools.combinations(vs, 2):
            out.append(('json-' + fam, a, b))
        for a in vs:
            out.append(('json-' + fam, a, a))
        # Nested: a sample of the pairs under each wrapper.
        pairs = list(itertools.combinations(vs, 2))
        for wname, wrap in WRAPS:
            for a, b in r.sample(pairs, min(len(pairs), 12)):
                out.append(('json-nest-' + wname, wrap(a), wrap(b)))
    # Draft spellings over a sample of everything so far.
    sample = r.sample(out, 600)
    for cat, a, b in sample:
        draft = r.choice(DRAFTS[1:])
        out.append(('json-draft', with_draft(a, draft), with_draft(b, draft)))
    for fam, vs in EXTRA.items():
        for a, b in itertools.combinations(vs, 2):
            out.append(('json-' + fam, a, b))
    for url in DRAFT_URLS:
        for k in DRAFT_KEYS:
            a = dict(k) if isinstance(k, dict) else k
            if url is not None:
                a = dict({'$schema': url}, **a)
            base = {'$schema': url} if url is not None else {}
            out.append(('json-draft-keys', a, dict(base, title='x')))
            out.append(('json-draft-keys', a, dict(base, type='number')))
        for a, b in r.sample(list(itertools.combinations(DRAFT_KEYS, 2)), 40):
            if url is not None:
                a, b = dict({'$schema': url}, **a), dict({'$schema': url}, **b)
            out.append(('json-draft-keys', a, b))
    # Random compositions from the leaves of every family.
    leaves = [v for vs in list(FAMILIES.values()) + list(EXTRA.values()) for v in vs
              if not (isinstance(v, dict) and any(k in v for k in ('$ref', '$id', 'definitions')))]
    for _ in range(3000):
        out.append(('json-random', compose(r, leaves, 3), compose(r, leaves, 3)))
    for _ in range(2000):
        a = compose(r, leaves, 4)
        out.append(('json-mutate-deep', a, mutate_deep(r, a, leaves)))
    # Mutations: one schema and a near copy.
    for _ in range(3000):
        a = compose(r, leaves, 3)
        out.append(('json-mutate', a, mutate(r, a, leaves)))
    return out


# 2019-09 and 2020-12 (json-sKema, then Confluent's SchemaTranslator to
# everit): the keywords these drafts read otherwise than draft-07, each
# family in both drafts, nested, and under every spelling of $schema.
MODERN = {
    'tuple': [{'type': 'array', 'prefixItems': [S]}, {'type': 'array', 'prefixItems': [S, I]},
              {'type': 'array', 'prefixItems': [S, I, B]}, {'type': 'array', 'prefixItems': [I, S]},
              {'type': 'array', 'prefixItems': [S], 'items': False},
              {'type': 'array', 'prefixItems': [S, I], 'items': False},
              {'type': 'array', 'prefixItems': [S], 'items': I}, {'type': 'array', 'prefixItems': [S], 'items': S},
              {'type': 'array', 'prefixItems': [S], 'items': True}, {'type': 'array', 'prefixItems': [S, {}]},
              {'type': 'array', 'prefixItems': [S, False], 'items': False},
              {'type': 'array', 'items': S}, {'type': 'array', 'items': I}, {'type': 'array'},
              {'type': 'array', 'items': [S]}, {'type': 'array', 'items': [S, I], 'additionalItems': False},
              {'type': 'array', 'items': [S], 'additionalItems': I}, {'prefixItems': [S]},
              {'type': 'array', 'items': S, 'minItems': 1}, {'type': 'array', 'items': S, 'maxItems': 3},
              {'type': 'array', 'items': S, 'uniqueItems': True}],
    'defs': [{'$defs': {'x': S}, '$ref': '#/$defs/x'}, {'$defs': {'x': I}, '$ref': '#/$defs/x'},
             {'$defs': {'x': {'type': 'string', 'maxLength': 3}}, '$ref': '#/$defs/x'},
             {'$defs': {'x': S}, 'type': 'object', 'properties': {'a': {'$ref': '#/$defs/x'}}},
             {'$defs': {'x': I}, 'type': 'object', 'properties': {'a': {'$ref': '#/$defs/x'}}},
             {'$defs': {'x': S, 'y': I}, 'type': 'object',
              'properties': {'a': {'$ref': '#/$defs/x'}, 'b': {'$ref': '#/$defs/y'}}},
             {'$defs': {'n': {'type': 'object', 'properties': {'next': {'$ref': '#/$defs/n'}, 'v': S}}},
              '$ref': '#/$defs/n'},
             {'$defs': {'n': {'type': 'object', 'properties': {'next': {'$ref': '#/$defs/n'}, 'v': I}}},
              '$ref': '#/$defs/n'},
             {'$defs': {'x': {'$ref': '#/$defs/y'}, 'y': S}, '$ref': '#/$defs/x'},
             {'definitions': {'x': S}, '$ref': '#/definitions/x'},
             {'definitions': {'x': I}, 'type': 'object', 'properties': {'a': {'$ref': '#/definitions/x'}}},
             {'$defs': {'x': S}, 'type': 'array', 'items': {'$ref': '#/$defs/x'}},
             {'$defs': {'x': S}, 'oneOf': [{'$ref': '#/$defs/x'}, {'type': 'null'}]},
             obj({'a': S}), obj({'a': I}), S, I],
    'anchor': [{'$defs': {'x': {'$anchor': 'xx', 'type': 'string'}}, '$ref': '#xx'},
               {'$defs': {'x': {'$anchor': 'xx', 'type': 'integer'}}, '$ref': '#xx'},
               {'type': 'object', 'properties': {'a': {'$ref': '#xx'}, 'b': {'$anchor': 'xx', 'type': 'string'}}},
               {'type': 'object', 'properties': {'a': {'$ref': '#xx'}, 'b': {'$anchor': 'xx', 'type': 'integer'}}},
               {'$id': 'http://example.com/r.json', '$defs': {'x': {'$anchor': 'yy', 'type': 'string'}}, '$ref': '#yy'},
               {'$dynamicAnchor': 'm', 'type': 'object', 'properties': {'a': {'$dynamicRef': '#m'}, 'v': S}},
               {'$dynamicAnchor': 'm', 'type': 'object', 'properties': {'a': {'$dynamicRef': '#m'}, 'v': I}},
               {'$defs': {'x': {'$dynamicAnchor': 'n', 'type': 'string'}}, '$dynamicRef': '#n'},
               {'$defs': {'x': {'$dynamicAnchor': 'n', 'type': 'integer'}}, '$dynamicRef': '#n'},
               {'$recursiveAnchor': True, 'type': 'object', 'properties': {'a': {'$recursiveRef': '#'}}},
               {'type': 'object', 'properties': {'a': {'$ref': '#'}, 'v': S}},
               {'type': 'object', 'properties': {'a': S, 'b': S}}, {'type': 'object', 'properties': {'a': I, 'b': S}},
               {'$defs': {'x': {'$anchor': 'xx', 'type': 'string'}}, '$ref': '#zz'}, S, {}],
    'dependent': [obj({'a': S, 'b': I}), obj({'a': S, 'b': I}, dependentRequired={'a': ['b']}),
                  obj({'a': S, 'b': I, 'c': B}, dependentRequired={'a': ['b', 'c']}),
                  obj({'a': S, 'b': I, 'c': B}, dependentRequired={'a': ['c']}),
                  obj({'a': S, 'b': I}, dependentRequired={'b': ['a']}),
                  obj({'a': S, 'b': I}, dependentRequired={'a': []}),
                  obj({'a': S, 'b': I}, dependentSchemas={'a': {'required': ['b']}}),
                  obj({'a': S, 'b': I}, dependentSchemas={'a': {'properties': {'b': {'minimum': 1}}}}),
                  obj({'a': S, 'b': I}, dependentSchemas={'a': True}),
                  obj({'a': S, 'b': I}, dependentSchemas={'a': False}),
                  obj({'a': S, 'b': I}, dependentRequired={'a': ['b']}, dependentSchemas={'b': {'required': ['a']}}),
                  obj({'a': S, 'b': I}, dependencies={'a': ['b']}),
                  obj({'a': S, 'b': I}, dependencies={'a': {'required': ['b']}})],
    'uneval': [obj({'a': S}), obj({'a': S}, unevaluatedProperties=False), obj({'a': S}, unevaluatedProperties=True),
               obj({'a': S}, unevaluatedProperties=S), obj({'a': S}, unevaluatedProperties=I),
               obj({'a': S}, additionalProperties=False), obj({'a': S, 'b': I}, unevaluatedProperties=False),
               {'allOf': [obj({'a': S})], 'unevaluatedProperties': False},
               {'type': 'array', 'prefixItems': [S], 'unevaluatedItems': False},
               {'type': 'array', 'prefixItems': [S], 'unevaluatedItems': I},
               {'type': 'array', 'prefixItems': [S]}, {'type': 'array', 'unevaluatedItems': S},
               {'type': 'array', 'items': S}],
    'contains': [{'type': 'array'}, {'type': 'array', 'contains': S}, {'type': 'array', 'contains': I},
                 {'type': 'array', 'contains': S, 'minContains': 1}, {'type': 'array', 'contains': S, 'minContains': 2},
                 {'type': 'array', 'contains': S, 'maxContains': 3}, {'type': 'array', 'contains': S, 'maxContains': 5},
                 {'type': 'array', 'contains': S, 'minContains': 0}, {'type': 'array', 'minContains': 2},
                 {'contains': S}, {'type': 'array', 'contains': {}}, {'type': 'array', 'contains': False}],
    'enum': [{'enum': ['a']}, {'enum': ['a', 'b']}, {'enum': ['b', 'a']}, {'enum': ['a', 'b', 'c']},
             {'type': 'string', 'enum': ['a', 'b']}, {'enum': [1, 2]}, {'enum': [1.0]}, {'enum': ['a', 1, None]},
             {'const': 'a'}, {'const': 'b'}, {'const': 1}, {'const': 1.0}, {'const': {'x': 1}}, {'const': None},
             {'const': [1, 2]}, {'enum': [{'x': 1}]}, {'enum': [True]}, {'const': 'a', 'type': 'string'}, S],
    'bool': [True, False, {}, {'not': True}, {'not': False}, {'not': {}}, obj({'a': True}), obj({'a': False}),
             obj({'a': S}), {'type': 'array', 'items': False}, {'type': 'array', 'items': True},
             {'allOf': [True]}, {'anyOf': [False, S]}, {'oneOf': [True, False]},
             obj({'a': S}, additionalProperties=True), obj({'a': S}, additionalProperties=False),
             obj({}, propertyNames=False), obj({}, propertyNames={'maxLength': 3})],
    'refsib': [{'$defs': {'x': S}, '$ref': '#/$defs/x'}, {'$defs': {'x': S}, '$ref': '#/$defs/x', 'maxLength': 3},
               {'$defs': {'x': S}, '$ref': '#/$defs/x', 'maxLength': 5},
               {'$defs': {'x': S}, '$ref': '#/$defs/x', 'minLength': 1},
               {'$defs': {'x': S}, '$ref': '#/$defs/x', 'type': 'integer'},
               {'$defs': {'x': obj({'a': S})}, '$ref': '#/$defs/x', 'required': ['a']},
               {'$defs': {'x': obj({'a': S})}, '$ref': '#/$defs/x', 'properties': {'b': I}},
               {'$defs': {'x': obj({'a': S})}, '$ref': '#/$defs/x'},
               {'$defs': {'x': obj({'a': S})}, '$ref': '#/$defs/x', 'additionalProperties': False},
               {'$defs': {'x': S}, '$ref': '#/$defs/x', 'title': 't'},
               {'$defs': {'x': S}, 'type': 'object', 'properties': {'a': {'$ref': '#/$defs/x', 'maxLength': 2}}},
               {'$defs': {'x': S}, 'type': 'object', 'properties': {'a': {'$ref': '#/$defs/x'}}},
               {'type': 'string', 'maxLength': 3}, S],
    'cond': [{'if': obj({'a': {'const': 1}}), 'then': obj(required=['b'])},
             {'if': obj({'a': {'const': 1}}), 'then': obj(required=['b']), 'else': obj(required=['c'])},
             {'if': obj({'a': {'const': 2}}), 'then': obj(required=['b'])},
             {'if': obj({'a': {'const': 1}}), 'then': obj(required=['c'])},
             {'if': obj({'a': {'const': 1}}), 'else': obj(required=['c'])},
             {'if': S, 'then': {'maxLength': 3}}, {'if': S, 'then': {'maxLength': 4}},
             {'then': {'maxLength': 3}}, {'else': {'maxLength': 3}}, {'if': True, 'then': False}, {}, obj({'a': S})],
    'format': [S, {'type': 'string', 'format': 'email'}, {'type': 'string', 'format': 'date'},
               {'type': 'string', 'format': 'date-time'}, {'type': 'string', 'format': 'uuid'},
               {'type': 'string', 'format': 'duration'}, {'type': 'string', 'format': 'no-such-format'},
               {'format': 'email'}, {'type': 'string', 'contentEncoding': 'base64'},
               {'type': 'string', 'contentEncoding': 'base64', 'contentMediaType': 'application/json'},
               {'type': 'string', 'contentMediaType': 'text/plain'},
               {'type': 'string', 'pattern': '^a'}, {'type': 'string', 'minLength': 1, 'maxLength': 5},
               {'type': 'string', 'readOnly': True}, {'type': 'string', 'writeOnly': True},
               {'type': 'string', 'deprecated': True}],
    'types': [S, I, N, B, {'type': 'null'}, {'type': ['string', 'null']}, {'type': ['integer', 'string']},
              {'type': ['number', 'integer']}, {}, {'type': 'object'}, {'type': 'array'},
              {'type': 'number', 'minimum': 0}, {'type': 'number', 'exclusiveMinimum': 0},
              {'type': 'number', 'maximum': 10}, {'type': 'number', 'exclusiveMaximum': 10},
              {'type': 'number', 'multipleOf': 2}, {'type': 'integer', 'minimum': 0, 'maximum': 100},
              obj({'a': S}, required=['a']), obj({'a': S, 'b': I}, required=['a', 'b']),
              obj({'a': S}, additionalProperties=False), obj({'a': S}, additionalProperties=S),
              obj({'a': S}, patternProperties={'^b': I}), obj({'a': S}, minProperties=1),
              obj({'a': S}, maxProperties=2), {'oneOf': [S, I]}, {'anyOf': [S, I]}, {'allOf': [S, {'maxLength': 5}]},
              {'oneOf': [S, I, B]}, {'not': S}, {'type': 'string', 'title': 't', 'description': 'd', 'default': 'x'},
              {'type': 'string', '$comment': 'c'}, {'type': 'string', 'examples': ['a']}, {'type': 'string', 'x-c': 1}],
    # Values one loader reads and the other does not (refused or accepted).
    'values': [{'prefixItems': 5}, {'dependentSchemas': {'a': 5}}, {'unevaluatedItems': 5},
               {'unevaluatedProperties': 5}, {'$anchor': 5}, {'$dynamicAnchor': 5}, {'$dynamicRef': 5},
               {'deprecated': 'x'}, {'dependentRequired': {'a': 'b'}}, {'dependentRequired': 5},
               {'type': 'number', 'exclusiveMinimum': True}, {'items': [S]}, {'dependencies': {'a': 5}},
               {'additionalItems': 5}, {'definitions': {'x': {'$ref': '#/nope'}}},
               {'$defs': {'x': {'$ref': '#/nope'}}}, {'$defs': 5}, {'$ref': '#nope'},
               {'not': {'properties': {'a': {'$ref': '#'}}}}, {'allOf': [{'$ref': '#'}]},
               {'$defs': {'x': {'not': {'$ref': '#/$defs/x'}}}, '$ref': '#/$defs/x'},
               {'$defs': {'x': {'type': 'object', 'properties': {'a': {'$ref': '#/$defs/x'}}}},
                '$ref': '#/$defs/x'},
               {'$defs': {'a': {'$anchor': 'x', 'type': 'string'}, 'b': {'$anchor': 'x', 'type': 'integer'}},
                '$ref': '#x'},
               {'$defs': {'a': {'$anchor': 'x', 'type': 'string'}, 'b': {'$anchor': 'x', 'type': 'integer'}}},
               {'$defs': {'a': {'$dynamicAnchor': 'x', 'type': 'string'},
                          'b': {'$dynamicAnchor': 'x', 'type': 'integer'}}, '$ref': '#x'},
               {'$defs': {'a': {'$dynamicAnchor': 'x', 'type': 'string'}, 'b': {'$anchor': 'x', 'type': 'integer'}},
                '$ref': '#x'},
               {'$defs': {'a': {'$anchor': 'x', 'type': 'string'}, 'b': {'$dynamicAnchor': 'x', 'type': 'integer'}},
                '$ref': '#x'},
               {'$defs': {'a': {'$anchor': 'x', '$dynamicAnchor': 'x', 'type': 'string'}}, '$ref': '#x'}, S],
}

D2019 = 'https://json-schema.org/draft/2019-09/schema'
D2020 = 'https://json-schema.org/draft/2020-12/schema'
MODERN_URLS = [u + h for u in ('https://json-schema.org/draft/2019-09/schema',
                               'http://json-schema.org/draft/2019-09/schema',
                               'https://json-schema.org/draft/2020-12/schema',
                               'http://json-schema.org/draft/2020-12/schema') for h in ('', '#')]


def modern_pairs(r):
    out = []
    for draft, tag in ((D2019, '2019'), (D2020, '2020')):
        for fam, vs in MODERN.items():
            cat = 'json-%s-%s' % (tag, fam)
            for a, b in itertools.combinations(vs, 2):
                out.append((cat, with_draft(a, draft), with_draft(b, draft)))
            for a in vs:
                out.append((cat, with_draft(a, draft), with_draft(a, draft)))
            pairs = list(itertools.combinations(vs, 2))
            for wname, wrap in WRAPS + [('defs', lambda x: {'$defs': {'d': x}, '$ref': '#/$defs/d'}),
                                        ('prefix', lambda x: {'type': 'array', 'prefixItems': [S, x]})]:
                for a, b in r.sample(pairs, min(len(pairs), 4)):
                    out.append(('json-%s-nest' % tag, with_draft(wrap(a), draft), with_draft(wrap(b), draft)))
    # Every spelling of $schema (and none: draft-07), each document alone
    # (accepted or refused) and against a neighbour.
    every = [v for vs in MODERN.values() for v in vs]
    for url in MODERN_URLS + [None, 'http://json-schema.org/draft-07/schema#']:
        for a in every:
            out.append(('json-modern-url', with_draft(a, url), with_draft(a, url)))
        for a, b in r.sample(list(itertools.combinations(every, 2)), 60):
            out.append(('json-modern-url', with_draft(a, url), with_draft(b, url)))
    # The draft-07 families read by json-sKema and translated back.
    leaves = [v for vs in list(FAMILIES.values()) + list(MODERN.values()) for v in vs
              if not (isinstance(v, dict) and any(k in v for k in ('$ref', '$id', 'definitions', '$defs',
                                                                   '$dynamicRef', '$recursiveRef', '$schema')))]
    # (A subschema's $schema sends json-sKema to the network for its meta-schema: left out.)
    for _ in range(1500):
        draft = r.choice([D2019, D2020])
        out.append(('json-modern-random', with_draft(compose(r, leaves, 3), draft),
                    with_draft(compose(r, leaves, 3), draft)))
    for _ in range(1000):
        draft = r.choice([D2019, D2020])
        a = compose(r, leaves, 3)
        out.append(('json-modern-mutate', with_draft(a, draft), with_draft(mutate_deep(r, a, leaves), draft)))
    # The documents with $refs, anchors and $dynamicRefs, mutated at depth,
    # and placed where a combination or a property holds them.
    refd = [v for fam in ('defs', 'anchor', 'refsib', 'values') for v in MODERN[fam] if isinstance(v, dict)]
    for a in refd:
        for _ in range(4):
            draft = r.choice([D2019, D2020])
            b = mutate_deep(r, a, leaves)
            out.append(('json-modern-refs', with_draft(a, draft), with_draft(b, draft)))
            x = r.choice(leaves)
            out.append(('json-modern-refs', with_draft({'anyOf': [x, a]}, draft),
                        with_draft({'anyOf': [x, b]}, draft)))
    for _ in range(300):
        draft = r.choice([D2019, D2020])
        a, b = r.choice(refd), r.choice(refd)
        extra = {r.choice(['maxLength', 'minimum', 'minItems', 'maxProperties']): r.randint(1, 3)}
        out.append(('json-modern-refs', with_draft(dict(a, **extra), draft), with_draft(b, draft)))
    return out


# Where Confluent 8.3 answers otherwise than 7.9 (json_compat_v8): the
# kinds of a property added to an open content model, connect.type
# "bytes", minContains/maxContains (unprocessed to everit, translated by
# json-sKema 0.30), definitions bridged into $defs, unevaluatedProperties
# and unevaluatedItems as content models, everit 1.14.6's subschema order,
# $ref loops of one-keyword targets; each family in draft-07 and 2020-12
# (2019-09 for some), paired every way and nested.
V8 = {
    'open': [obj({'a': S}), obj({'a': S, 'b': I}), obj({'a': S, 'b': I}, required=['b']),
             obj({'a': S, 'b': {'type': 'integer', 'default': 1}}, required=['b']),
             obj({'a': S, 'b': {'type': 'integer', 'default': 1}}),
             obj({'a': S, 'b': {}}, required=['b']), obj({'a': S, 'b': I, 'c': S}, required=['a', 'c']),
             obj({'a': S, 'b': {'$ref': '#/definitions/d'}}, required=['b'], definitions={'d': I}),
             obj({'a': S, 'b': I}, required=['b'], additionalProperties=True),
             obj({'a': S, 'b': I}, required=['b'], patternProperties={'^b': I})],
    'connect': [{'type': 'string', 'connect.type': 'bytes'}, {'type': 'number', 'connect.type': 'bytes'},
                {'type': 'integer', 'connect.type': 'bytes'}, {'type': 'string'}, {'type': 'number'},
                {'type': 'number', 'connect.type': 'int64'}, {'type': 'string', 'connect.type': 'int64'},
                {'type': 'object', 'connect.type': 'bytes'}, {'type': ['string', 'null'], 'connect.type': 'bytes'},
                {'connect.type': 'bytes'}, {'type': 'string', 'connect.type': 'BYTES'},
                {'type': 'number', 'connect.type': 'bytes', 'title': 'decimal'},
                {'type': 'string', 'connect.type': 'bytes', 'minimum': 1},
                {'type': 'number', 'connect.type': 'bytes', 'maxLength': 3},
                {'anyOf': [{'type': 'string'}], 'connect.type': 'bytes'}],
    'count': [{'type': 'array'}, {'type': 'array', 'maxContains': 3}, {'type': 'array', 'maxContains': 5},
              {'type': 'array', 'minContains': 2}, {'type': 'array', 'minContains': 0},
              {'type': 'array', 'contains': S}, {'type': 'array', 'contains': S, 'minContains': 2},
              {'type': 'array', 'contains': S, 'maxContains': 2, 'minContains': 1},
              {'type': 'array', 'contains': S, 'maxContains': 3.5}, {'maxContains': 3},
              {'type': 'array', 'items': S, 'maxContains': 4}, {'type': 'array', 'maxContains': 'x'},
              {'type': 'array', 'contains': I, 'minContains': 3}, {'contains': S, 'minContains': 2},
              {'type': 'array', 'maxContains': 3, 'additionalProperties': False},
              {'type': 'array', 'maxContains': 5, 'properties': {'a': S}},
              {'maxContains': 3, 'minItems': 1, 'minProperties': 1},
              {'type': 'array', 'maxContains': 4294967301}, {'type': 'array', 'maxContains': 1e30},
              {'type': 'array', 'contains': S, 'maxContains': 4294967301.5},
              {'type': 'array', 'minContains': -3.9}, {'type': 'array', 'minContains': -3}],
    'intvalue': [{'type': 'number', 'multipleOf': 4294967301}, {'type': 'number', 'multipleOf': 5},
                 {'type': 'number', 'multipleOf': 1e30}, {'type': 'number', 'multipleOf': 1073741824},
                 {'type': 'number', 'multipleOf': 4294967296.5}, {'type': 'number', 'multipleOf': -7},
                 {'type': 'number', 'multipleOf': 2.5}, {'type': 'number', 'multipleOf': 2}],
    'bridge': [{'definitions': {'x': S}, '$ref': '#/$defs/x'}, {'definitions': {'x': I}, '$ref': '#/$defs/x'},
               {'definitions': {'x': S}, '$defs': {'x': I}, '$ref': '#/$defs/x'},
               {'definitions': {'x': S}, '$defs': {'y': I}, '$ref': '#/$defs/x'},
               {'definitions': {'x': S}, '$defs': 5, '$ref': '#/definitions/x'},
               {'definitions': {}, 'type': 'string'}, {'definitions': {'x': S}, '$ref': '#/definitions/x'},
               obj({'a': {'$ref': '#/$defs/x'}}, definitions={'x': S}),
               obj({'a': {'$ref': '#/$defs/x'}}, definitions={'x': I}),
               obj({'a': {'$ref': '#/$defs/x'}}, definitions={'x': {'$ref': '#/$defs/y'}, 'y': S}),
               {'definitions': {'x': {'$anchor': 'q', 'type': 'string'}}, '$ref': '#/definitions/x'},
               {'definitions': {'x': {'$ref': '#/nope'}}, 'type': 'string'},
               {'definitions': {'x': obj({'n': {'$ref': '#/$defs/x'}})}, '$ref': '#/$defs/x'}],
    'uneval8': [obj({'a': S}, unevaluatedProperties=False, patternProperties={'^b': I}),
                obj({'a': S, 'b': I}, unevaluatedProperties=I), obj({'a': S, 'b': S}, unevaluatedProperties=I),
                obj({'a': S}, unevaluatedProperties=I), obj({'a': S}, unevaluatedProperties={}),
                obj({'a': S}, unevaluatedProperties=False, additionalProperties=True),
                obj({'a': S}, unevaluatedProperties=I, additionalProperties=S),
                {'properties': {'a': S}, 'unevaluatedProperties': False},
                {'unevaluatedProperties': False}, {'type': 'object', 'unevaluatedProperties': True},
                {'type': 'array', 'prefixItems': [S, I], 'unevaluatedItems': False},
                {'type': 'array', 'prefixItems': [S, I], 'unevaluatedItems': I},
                {'type': 'array', 'prefixItems': [S], 'unevaluatedItems': S},
                {'type': 'array', 'prefixItems': [S], 'items': I, 'unevaluatedItems': False},
                {'type': 'array', 'prefixItems': [S], 'unevaluatedItems': {}},
                {'unevaluatedItems': False}, obj({'a': S}), {'type': 'array', 'prefixItems': [S]}],
    'order': [{'oneOf': [S, {'anyOf': [I, B]}]}, {'oneOf': [{'anyOf': [I, B]}, S]},
              {'oneOf': [S, {'type': ['integer', 'boolean']}]}, {'oneOf': [{'type': ['integer', 'boolean']}, S]},
              {'anyOf': [{'type': 'string', 'additionalProperties': True}, S, I]},
              {'anyOf': [S, I, {'type': 'string', 'additionalProperties': True}]},
              {'oneOf': [{'allOf': [S]}, {'allOf': [I]}, S]}, {'oneOf': [S, {'allOf': [I]}, {'allOf': [S]}]}],
    'loops': [{'$defs': {'x': {'not': {'$ref': '#/$defs/x'}}}, '$ref': '#/$defs/x'},
              {'$defs': {'x': {'allOf': [{'$ref': '#/$defs/x'}]}}, '$ref': '#/$defs/x'},
              {'$defs': {'x': {'anyOf': [{'$ref': '#/$defs/y'}]}, 'y': {'not': {'$ref': '#/$defs/x'}}},
               '$ref': '#/$defs/x'},
              {'$defs': {'x': {'items': {'$ref': '#/$defs/x'}}}, 'type': 'array', 'items': {'$ref': '#/$defs/x'}},
              {'allOf': [{'$ref': '#'}]}, {'not': {'properties': {'a': {'$ref': '#'}}}},
              {'$defs': {'x': {'type': 'object', 'properties': {'a': {'$ref': '#/$defs/x'}}}}, '$ref': '#/$defs/x'},
              obj({'a': {'$ref': '#'}, 'b': S}), S],
}

V8_REF_DOCS = [
    (obj({'a': {'$ref': 'dep.json#/$defs/x'}}), {'dep.json': {'definitions': {'x': S}}}),
    (obj({'a': {'$ref': 'dep.json#/$defs/x'}}), {'dep.json': {'definitions': {'x': I}}}),
    (obj({'a': {'$ref': 'dep.json#/$defs/x'}}), {'dep.json': {'definitions': {'x': S}, '$defs': {'x': I}}}),
    (obj({'a': {'$ref': 'dep.json#/definitions/x'}}), {'dep.json': {'definitions': {'x': S}}}),
    (obj({'a': {'$ref': 'dep.json'}}), {'dep.json': {'definitions': {'x': {'$ref': '#/nope'}}, 'type': 'string'}}),
]


def v8_pairs():
    r = random.Random(SEED + 83)
    out = []
    drafts = ((None, '7'), (D2020, '2020'), (D2019, '2019'))
    for fam, vs in V8.items():
        for draft, tag in drafts:
            if tag == '2019' and fam not in ('uneval8', 'count', 'bridge'):
                continue
            cat = 'json-v8-%s-%s' % (fam, tag)
            for a, b in itertools.combinations(vs, 2):
                out.append((cat, with_draft(a, draft), with_draft(b, draft)))
            for a in vs:
                out.append((cat, with_draft(a, draft), with_draft(a, draft)))
            pairs = list(itertools.combinations(vs, 2))
            for wname, wrap in WRAPS:
                for a, b in r.sample(pairs, min(len(pairs), 3)):
                    out.append(('json-v8-nest', with_draft(wrap(a), draft), with_draft(wrap(b), draft)))
    return out


def lenient_pairs():
    """8.3's compatibilityPolicy LENIENT (its larger set of compatible
    changes, also inside combined schemas and partially open models): the
    object families, the V8 ones, nested; 7.9 has no policy."""
    r = random.Random(SEED + 84)
    out = []
    fams = [('object', FAMILIES['object']), ('open', V8['open']), ('uneval', V8['uneval8'])]
    for fam, vs in fams:
        for draft, tag in ((None, '7'), (D2020, '2020')):
            for a, b in itertools.combinations(vs, 2):
                out.append(('json-lenient-%s-%s' % (fam, tag), with_draft(a, draft), with_draft(b, draft)))
            pairs = list(itertools.combinations(vs, 2))
            for wname, wrap in WRAPS:
                for a, b in r.sample(pairs, min(len(pairs), 4)):
                    out.append(('json-lenient-nest', with_draft(wrap(a), draft), with_draft(wrap(b), draft)))
    return out


def compose(r, leaves, depth):
    if depth == 0 or r.random() < 0.3:
        return r.choice(leaves)
    k = r.randrange(6)
    if k == 0:
        names = r.sample(['a', 'b', 'c', 'd'], r.randint(1, 3))
        s = obj({n: compose(r, leaves, depth - 1) for n in names})
        if r.random() < 0.5:
            s['required'] = r.sample(names, r.randint(0, len(names)))
        if r.random() < 0.4:
            s['additionalProperties'] = r.choice([False, True, S, {}])
        if r.random() < 0.2:
            s['patternProperties'] = {'^x': r.choice(leaves)}
        return s
    if k == 1:
        return {'type': 'array', 'items': compose(r, leaves, depth - 1)}
    if k == 2:
        return {r.choice(['oneOf', 'anyOf', 'allOf']): [compose(r, leaves, depth - 1)
                                                       for _ in range(r.randint(1, 3))]}
    if k == 3:
        return {'type': 'array', 'items': [compose(r, leaves, depth - 1) for _ in range(r.randint(1, 3))],
                'additionalItems': r.choice([False, True, S])}
    if k == 4:
        return {'not': compose(r, leaves, depth - 1)}
    return r.choice(leaves)


def mutate(r, s, leaves):
    s = json.loads(json.dumps(s))
    if not isinstance(s, dict):
        return r.choice(leaves)
    keys = list(s.keys())
    k = r.randrange(5)
    if k == 0 and keys:
        del s[r.choice(keys)]
    elif k == 1 and 'properties' in s and s['properties']:
        n = r.choice(list(s['properties']))
        s['properties'][n] = mutate(r, s['properties'][n], leaves)
    elif k == 2:
        s[r.choice(['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems',
                    'minProperties', 'maxProperties', 'multipleOf'])] = r.randint(1, 5)
    elif k == 3 and 'required' in s:
        s['required'] = s['required'][:-1] if s['required'] else ['a']
    else:
        for key in ('oneOf', 'anyOf', 'allOf'):
            if key in s and s[key]:
                s[key] = s[key] + [r.choice(leaves)] if r.random() < 0.5 else s[key][1:]
                break
        else:
            s['additionalProperties'] = r.choice([False, True, I])
    return s


def json_seed_pairs(r):
    """The recorded JSON Schemas (../shared/conformance) and the fuzz seeds,
    each against the others of its scenario's kind and against mutations of
    itself."""
    import gen
    shared = os.path.join(HERE, '..', '..', '..', '..', 'shared')
    seeds = os.path.join(HERE, '..', '..', 'fuzz', 'seeds')
    texts = gen.conformance_schemas(shared)[1] + gen.fuzz_texts(seeds, 'schema_json')
    docs = []
    for t in texts:
        try:
            v = json.loads(t)
        except ValueError:
            continue
        if isinstance(v, dict) and len(t) < 4000:
            docs.append(v)
    leaves = [v for vs in FAMILIES.values() for v in vs]
    out = []
    for a in docs:
        for _ in range(6):
            out.append(('json-seed-mutate', a, mutate_deep(r, a, leaves)))
    pairs = list(itertools.combinations(docs, 2))
    for a, b in r.sample(pairs, min(len(pairs), 600)):
        out.append(('json-seed-pair', a, b))
    return out


def mutate_deep(r, s, leaves):
    """mutate() at a random depth of the document."""
    s = json.loads(json.dumps(s))
    if not isinstance(s, dict):
        return mutate(r, s, leaves)
    node = s
    for _ in range(r.randint(0, 3)):
        kids = []
        if isinstance(node, dict):
            for k in ('properties', 'definitions', '$defs'):
                if isinstance(node.get(k), dict) and node[k]:
                    kids += [(node[k], n) for n in node[k]]
            for k in ('items', 'additionalProperties', 'not'):
                if isinstance(node.get(k), dict):
                    kids.append((node, k))
            for k in ('oneOf', 'anyOf', 'allOf'):
                if isinstance(node.get(k), list):
                    kids += [(node[k], i) for i in range(len(node[k]))]
        if not kids:
            break
        parent, key = r.choice(kids)
        if not isinstance(parent[key], dict):
            break
        node = parent[key]
    m = mutate(r, node, leaves)
    node.clear()
    if isinstance(m, dict):
        node.update(m)
    return s


def avro_texts():
    import gen
    shared = os.path.join(HERE, '..', '..', '..', '..', 'shared')
    seeds = os.path.join(HERE, '..', '..', 'fuzz', 'seeds')
    out = []
    per = {}
    for case in gen.gen(SEED, shared, seeds):
        if case[1] != 'avro':
            continue
        # Names are the parser's business, not normalization's: a few do.
        per[case[0]] = per.get(case[0], 0) + 1
        if case[0] == 'unicode-name' and per[case[0]] > 300:
            continue
        out.append((case[0], case[2], case[4] if len(case) > 4 else None))
    return out


def avro_orders(r):
    """Records whose fields, options and names come in many orders."""
    out = []
    fields = [{'name': 'a', 'type': 'int'}, {'name': 'b', 'type': ['null', 'string'], 'default': None},
              {'name': 'c', 'type': {'type': 'enum', 'name': 'E', 'symbols': ['Y', 'X'], 'default': 'X',
                                     'aliases': ['z', 'a'], 'doc': 'e', 'p': 1}},
              {'name': 'd', 'type': {'type': 'fixed', 'name': 'F', 'namespace': 'o', 'size': 4}, 'aliases': ['y', 'x']},
              {'name': 'e', 'type': {'type': 'map', 'values': 'long', 'q': [1], 'a': 'b'}, 'order': 'descending'},
              {'name': 'f', 'type': {'type': 'array', 'items': 'E'}, 'doc': '', 'default': []},
              {'name': 'g', 'type': {'type': 'bytes', 'logicalType': 'decimal', 'precision': 5, 'scale': 0}},
              {'name': 'h', 'type': {'type': 'long', 'logicalType': 'timestamp-millis', 'z': 1}, 'x': {'b': 1, 'a': 2}},
              {'name': 'i', 'type': 'o.F', 'order': 'ignore', 'doc': 'i'},
              {'name': 'j', 'type': {'type': 'string', 'avro.java.string': 'String'}, 'default': 'x'}]
    for _ in range(400):
        fs = []
        for f in fields:
            f = dict(f)
            keys = list(f.items())
            r.shuffle(keys)
            fs.append(dict(keys))
        rec = {'type': 'record', 'name': r.choice(['R', 'a.R', 'com.x.R']), 'fields': fs}
        if r.random() < 0.5:
            rec['namespace'] = r.choice(['n', 'a.b', ''])
        if r.random() < 0.5:
            rec['aliases'] = r.sample(['q', 'p', 'n.o'], r.randint(1, 3))
        if r.random() < 0.5:
            rec['doc'] = 'r'
        if r.random() < 0.5:
            rec['zz'] = r.choice([1, 'v', None, [1, 2], {'k': 1.5}])
        keys = list(rec.items())
        r.shuffle(keys)
        out.append(('avro-order', d(dict(keys)), None))
    return out


AVRO_TYPES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string',
              {'type': 'array', 'items': 'int'}, {'type': 'array', 'items': ['null', 'string']},
              {'type': 'map', 'values': 'double'}, {'type': 'map', 'values': {'type': 'array', 'items': 'long'}},
              {'type': 'enum', 'name': 'E', 'symbols': ['A', 'B']},
              {'type': 'fixed', 'name': 'F', 'size': 2},
              {'type': 'record', 'name': 'S', 'fields': [{'name': 'a', 'type': 'int'},
                                                         {'name': 'b', 'type': ['null', 'S']}]},
              ['null', 'int'], ['string', 'null'], ['double', 'string'], [],
              {'type': 'int', 'logicalType': 'date'}, {'type': 'bytes', 'logicalType': 'decimal', 'precision': 4},
              {'type': 'long', 'p': 99999999999999999999}, {'type': 'string', 'p': [1, {'q': 99999999999999999999}]}]
AVRO_VALUES = ['null', 'true', '0', '-1', '2147483648', '9223372036854775807', '99999999999999999999', '1.5',
               '1e39', '1e400', '-0.0', '"s"', '"\\u00ff\\u0101"', '"NaN"', '"Infinity"', '[]', '[1]', '[null]',
               '[[1]]', '["a",1]', '[1e400]', '[99999999999999999999]', '{}', '{"a":1}', '{"b":null}',
               '{"a":1,"b":{"a":2,"b":null}}', '{"a":1,"c":2}', '{"k":[1,2]}', '{"k":1e400}', '{"k":"x"}',
               '{"a":[1]}']


def avro_defaults(r):
    """Each field type against defaults of every JSON kind: JacksonUtils.toObject
    through every branch, and what AvroSchemaUtils does with its nulls."""
    out = []
    for i, t in enumerate(AVRO_TYPES):
        for v in AVRO_VALUES:
            f = '{"name":"f","type":%s,"default":%s}' % (d(t), v)
            out.append(('avro-toobject', '{"type":"record","name":"R%d","fields":[%s]}' % (i, f), None))
    for _ in range(600):
        fs = []
        for k in range(r.randint(1, 4)):
            t = r.choice(AVRO_TYPES)
            if isinstance(t, dict) and 'name' in t:
                t = dict(t, name=t['name'] + str(k))
            f = '{"name":"f%d","type":%s' % (k, d(t))
            if r.random() < 0.8:
                f += ',"default":%s' % r.choice(AVRO_VALUES)
            if r.random() < 0.2:
                f += ',"x":%s' % r.choice(AVRO_VALUES)
            fs.append(f + '}')
        out.append(('avro-toobject-random', '{"type":"record","name":"R","fields":[%s]}' % ','.join(fs), None))
    return out


def inputs():
    r = random.Random(SEED)
    lines = []
    r2 = random.Random(SEED + 2019)
    for cat, a, b in json_pairs(r) + json_seed_pairs(r) + modern_pairs(r2):
        lines.append({'c': cat, 'k': 'jcompat', 'a': d(a), 'b': d(b)})
    for cat, a, b in v8_pairs():
        lines.append({'c': cat, 'k': 'jcompat', 'a': d(a), 'b': d(b)})
    for cat, a, b in lenient_pairs():
        lines.append({'c': cat, 'k': 'jcompat', 'a': d(a), 'b': d(b), 'p': 'LENIENT'})
    for (a, ra), (b, rb) in list(itertools.product(REF_DOCS, repeat=2)) + \
            list(itertools.product(V8_REF_DOCS, repeat=2)):
        x = {'c': 'json-refdoc', 'k': 'jcompat', 'a': d(a), 'b': d(b)}
        if ra:
            x['ra'] = {k: d(v) for k, v in ra.items()}
        if rb:
            x['rb'] = {k: d(v) for k, v in rb.items()}
        lines.append(x)
    # The same in 2020-12 (json-sKema's mappings: each name, "./name" and,
    # in 8.3, mem://input/name).
    for (a, ra), (b, rb) in itertools.product(REF_DOCS + V8_REF_DOCS, repeat=2):
        x = {'c': 'json-refdoc-2020', 'k': 'jcompat', 'a': d(with_draft(a, D2020)),
             'b': d(with_draft(b, D2020))}
        if ra:
            x['ra'] = {k: d(v) for k, v in ra.items()}
        if rb:
            x['rb'] = {k: d(v) for k, v in rb.items()}
        lines.append(x)
    for cat, s, refs in avro_texts() + avro_orders(r) + avro_defaults(r):
        x = {'c': 'avro-' + cat if not cat.startswith('avro') else cat, 'k': 'anorm', 's': s}
        if refs:
            x['refs'] = refs
        lines.append(x)
    seen = set()
    uniq = []
    for x in lines:
        key = json.dumps(x, sort_keys=True)
        if key not in seen:
            seen.add(key)
            uniq.append(x)
    return uniq


def pack(inp, ans, outdir, tag='7.9.0'):
    with open(inp, encoding='utf-8') as f:
        ins = [json.loads(x) for x in f]
    with open(ans, encoding='utf-8') as f:
        outs = [json.loads(x) for x in f.read().split('\n') if x]
    assert len(ins) == len(outs)
    files = {'jcompat': 'json_compat.jsonl.gz', 'anorm': 'avro_norm.jsonl.gz'}
    if tag != '7.9.0':
        files = {'jcompat': 'json_compat_v8.jsonl.gz'}
    for k, name in files.items():
        rows = []
        for i, o in zip(ins, outs):
            if i['k'] != k:
                continue
            row = dict(i, g={x: v for x, v in o.items() if x != 'why'})
            if 'why' in o:
                row['why'] = o['why']
            rows.append(row)
        data = ''.join(json.dumps(x, ensure_ascii=False, separators=(',', ':')) + '\n' for x in rows)
        with gzip.GzipFile(os.path.join(outdir, name), 'wb', mtime=0) as g:
            g.write(data.encode('utf-8'))


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--pack':
        pack(sys.argv[2], sys.argv[3], sys.argv[4], *sys.argv[5:6])
        sys.exit(0)
    json_only = '--json-only' in sys.argv[1:]
    out = sys.stdout
    for x in inputs():
        if json_only and x['k'] != 'jcompat':
            continue
        out.write(json.dumps(x, ensure_ascii=True) + '\n')
