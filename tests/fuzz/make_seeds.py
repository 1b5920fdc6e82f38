#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses, from the recorded Confluent traffic
in ../shared/conformance (scenario requests, recorded `_schemas` records),
written as one file per distinct seed into OUT/<harness>/.

Usage: make_seeds.py --shared DIR --out DIR

The input formats are the harnesses' own (see each fuzz_<name>.c): a
method byte then a path (route), a body (request), schema texts split on
0xFF (avro_parse, avro_compat), a kind byte then a key or value (record),
a chunk-size byte then msgpack messages (ipc), a mode byte then a journal
(journal_file), requests split on 0xFF (api).
"""
import argparse
import hashlib
import json
import os
import re
import struct
import sys

SEP = b'\xff'
METHODS = {'GET': 0, 'POST': 1, 'PUT': 2, 'DELETE': 3}


def subst(text):
    """Symbolic ids ({$id1}) as a plain number."""
    return re.sub(r'\{\$id\d+\}', '1', text)


def body_bytes(step):
    if 'raw' in step:
        return subst(step['raw']).encode()
    if 'b' in step:
        return subst(json.dumps(step['b'], separators=(',', ':'))).encode()
    return None


def load(shared):
    conf = os.path.join(shared, 'conformance')
    with open(os.path.join(conf, 'scenarios.json')) as f:
        scenarios = json.load(f)
    records = []
    store = os.path.join(conf, 'kafkastore')
    for name in sorted(os.listdir(store)):
        if name.endswith('.json'):
            with open(os.path.join(store, name)) as f:
                records.append(json.load(f))
    return scenarios, records


def avro_texts(steps):
    """Avro schema texts of the request bodies, in order."""
    out = []
    for st in steps:
        b = st.get('b')
        if isinstance(b, dict) and isinstance(b.get('schema'), str) \
                and b.get('schemaType') in (None, 'AVRO'):
            out.append(subst(b['schema']).encode())
    return out


def crc32c(data, crc=0xFFFFFFFF):
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc


def journal_frames(recs):
    out = bytearray(b'SCHEMADJ' + struct.pack('<II', 1, 0))
    for key, val in recs:
        lens = struct.pack('<II', len(key), 0xFFFFFFFF if val is None else len(val))
        payload = key + (val or b'')
        out += lens + struct.pack('<I', crc32c(lens + payload) ^ 0xFFFFFFFF) + payload
    return bytes(out)


def journal_structured(recs):
    out = bytearray(b'\x01\x00\x00')
    for key, val in recs:
        v = b'' if val is None else val
        out += struct.pack('<HH', len(key), 0xFFFF if val is None else len(v)) + key + v
    return bytes(out)


def mp_str(b):
    n = len(b)
    if n < 32:
        return bytes([0xa0 | n]) + b
    if n < 256:
        return b'\xd9' + bytes([n]) + b
    return b'\xda' + struct.pack('>H', n) + b


def mp_bin(b):
    n = len(b)
    if n < 256:
        return b'\xc4' + bytes([n]) + b
    return b'\xc5' + struct.pack('>H', n) + b


def mp_uint(n):
    return bytes([n]) if n < 128 else b'\xce' + struct.pack('>I', n)


def ipc_request(i, method, path, ctype, body, forwarded=0):
    return (b'\x97\x01' + mp_uint(i) + mp_str(method.encode()) + mp_str(path.encode())
            + (b'\xc0' if ctype is None else mp_str(ctype.encode())) + mp_bin(body or b'')
            + bytes([forwarded]))


def ipc_forward(i, url):
    return b'\x93\x04' + mp_uint(i) + mp_str(url.encode())


def ipc_reply(i, status, body):
    return b'\x94\x02' + mp_uint(i) + mp_uint(status) + mp_bin(body)


def proto_texts(steps):
    """Protobuf schema texts of the request bodies, in order."""
    return [subst(st['b']['schema']).encode() for st in steps
            if isinstance(st.get('b'), dict) and isinstance(st['b'].get('schema'), str)
            and st['b'].get('schemaType') == 'PROTOBUF']


def seeds(scenarios, records):
    s = {h: [] for h in ('route', 'request', 'avro_parse', 'avro_compat', 'record',
                         'ipc', 'journal_file', 'api', 'schema_proto')}
    for sc in scenarios:
        steps = sc['steps'] + sc.get('teardown', [])
        msgs = []
        for i, st in enumerate(steps):
            path = subst(st['p'])
            s['route'].append(bytes([METHODS.get(st['m'], 0)]) + path.encode())
            body = body_bytes(st)
            if body is not None:
                s['request'].append(body)
            ctype = st.get('ct', 'application/vnd.schemaregistry.v1+json' if body else None)
            msgs.append(ipc_request(i, st['m'], path, ctype, body, i % 2))
            if i % 3 == 0:
                msgs.append(ipc_forward(i, 'http://127.0.0.1:8081'))
            else:
                msgs.append(ipc_reply(i, 200, b'{"id":1}'))
        reqs = [bytes([METHODS.get(st['m'], 0)]) + subst(st['p']).encode() + b'\n'
                + (body_bytes(st) or b'') for st in steps]
        for k in range(0, len(reqs), 8):
            s['api'].append(SEP.join(reqs[k:k + 8]))
        for k in range(0, len(msgs), 8):
            s['ipc'].append(bytes([(k * 37) % 256]) + b''.join(msgs[k:k + 8]))
        protos = proto_texts(steps)
        s['schema_proto'].extend(protos)
        for a, b in zip(protos, protos[1:]):
            s['schema_proto'].append(a + SEP + b)
        texts = avro_texts(steps)
        s['avro_parse'].extend(texts)
        for a, b in zip(texts, texts[1:]):
            s['avro_compat'].append(a + SEP + b)
        if len(texts) >= 2:
            s['avro_parse'].append(texts[0] + SEP + texts[1])
    for recs in records:
        pairs = []
        for r in recs:
            key = r['key'].encode()
            val = None if r['value'] is None else r['value'].encode()
            pairs.append((key, val))
            s['record'].append(b'\x00' + key)
            if val is not None:
                kind = b'\x01' if '"SCHEMA"' in r['key'] else b'\x02'
                s['record'].append(kind + val)
                if kind == b'\x01':
                    text = json.loads(r['value']).get('schema', '')
                    if not json.loads(r['value']).get('schemaType'):
                        s['avro_parse'].append(text.encode())
        s['journal_file'].append(journal_structured(pairs))
        s['journal_file'].append(b'\x00' + journal_frames(pairs)[16:])
        for cut in (1, len(pairs) // 2):
            s['journal_file'].append(journal_structured(pairs[:cut]))
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--shared', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    try:
        scenarios, records = load(args.shared)
    except OSError as e:
        print('make_seeds: no conformance data (%s); committed seeds only' % e, file=sys.stderr)
        return 0
    total = 0
    for harness, items in seeds(scenarios, records).items():
        d = os.path.join(args.out, harness)
        os.makedirs(d, exist_ok=True)
        for item in items:
            name = os.path.join(d, 'seed-' + hashlib.sha1(item).hexdigest()[:16])
            if not os.path.exists(name):
                with open(name, 'wb') as f:
                    f.write(item)
                total += 1
    print('make_seeds: %d new seeds in %s' % (total, args.out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
