#!/usr/bin/env python3
"""summarize.py RESULTS.tsv BASELINE: medians per (test, proto, side) and the
ratio of every side to BASELINE.  Rows: test proto side rep rps a_ms b_ms
(a/b = p50/p99 for wrk, mean/max for h2load, which prints no percentiles)."""

import statistics
import sys
from collections import OrderedDict


def main():
    path, base = sys.argv[1], sys.argv[2]
    groups = OrderedDict()
    for line in open(path):
        f = line.split()
        if len(f) not in (7, 8):
            continue
        test, proto, side, rep = f[:4]
        rps, a, b = map(float, f[4:7])
        cpu = float(f[7]) if len(f) == 8 else float('nan')
        groups.setdefault((test, proto), OrderedDict()).setdefault(side, []).append((rps, a, b, cpu))
    hdr = '%-14s %-5s %-10s %4s %12s %9s %9s %7s %10s   %s' % (
        'test', 'proto', 'server', 'runs', 'req/s(med)', 'p50 ms', 'p99 ms', 'ratio',
        'cpu us/req', 'req/s of each run')
    print(hdr)
    print('-' * len(hdr))
    for (test, proto), sides in groups.items():
        bmed = statistics.median(r[0] for r in sides.get(base, [(0, 0, 0)]))
        for side, runs in sides.items():
            rps = statistics.median(r[0] for r in runs)
            a = statistics.median(r[1] for r in runs)
            b = statistics.median(r[2] for r in runs)
            ratio = rps / bmed if bmed else float('nan')
            cpu = statistics.median(r[3] for r in runs)
            print('%-14s %-5s %-10s %4d %12.0f %9.2f %9.2f %7.2f %10s   %s' % (
                test, proto, side, len(runs), rps, a, b, ratio,
                '-' if cpu != cpu else '%.2f' % cpu,
                ' '.join('%.0f' % r[0] for r in runs)))
    print('(h2c rows: h2load prints no percentiles; the two latency columns are its'
          ' mean and max request time.  ratio = median req/s / median req/s of %s.' % base)
    print(' cpu us/req = user+sys CPU of all the server\'s processes during the run /'
          ' requests (req/s x duration): less sensitive to other load on the host)')


if __name__ == '__main__':
    main()
