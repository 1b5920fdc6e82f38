#!/usr/bin/env python3
"""populate.py PORT N [PREFIX]: register N distinct Avro schemas, one per
subject PREFIX-<i> (i = 0..N-1), over one keep-alive connection; prints the
ids, one per line, in subject order.  Used by reads.sh and friends."""

import http.client
import json
import sys

sys.path.insert(0, __import__('os').path.dirname(__file__))
from common import avro_schema, post  # noqa: E402


def main():
    port, n = int(sys.argv[1]), int(sys.argv[2])
    prefix = sys.argv[3] if len(sys.argv) > 3 else 'bench'
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    ids = []
    for i in range(n):
        st, body = post(c, '/subjects/%s-%d/versions' % (prefix, i),
                        json.dumps({'schema': avro_schema(i)}))
        if st != 200:
            sys.exit('populate: subject %s-%d: HTTP %d %r' % (prefix, i, st, body))
        ids.append(json.loads(body)['id'])
    print('\n'.join(str(x) for x in ids))


if __name__ == '__main__':
    main()
