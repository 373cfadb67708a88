#!/usr/bin/env python3
"""Totals of oneDNN's primitive times in an ONEDNN_VERBOSE=1 log (e.g. of `spgd bench nfe`), in ms over the whole log:
by (kind, implementation), the largest (kind, implementation, propagation, problem) and the reorders by layout and shape.
    ONEDNN_VERBOSE=1 spgd bench nfe ... > log.txt 2>&1; python3 scripts/onednn-split.py log.txt [TOP]"""
import collections
import sys


def main(path, top):
    kinds, problems, reorders, counts = (collections.Counter() for _ in range(4))
    for line in open(path):
        if not line.startswith('onednn_verbose,v1,primitive,exec'):
            continue
        f = line.strip().split(',')
        kind, impl, prop, mds, problem, ms = f[5], f[6], f[7], f[8], f[11], float(f[12])
        kinds[(kind, impl)] += ms
        if kind == 'reorder':
            src, dst = (md.split(':') for md in mds.split(' ')[:2])
            key = (impl, f'{src[1]}:{src[4]} -> {dst[1]}:{dst[4]}', problem)
            reorders[key] += ms
        else:
            key = (kind, impl, prop, problem)
            problems[key] += ms
        counts[key] += 1
    for (kind, impl), ms in kinds.most_common():
        print(f'{ms:9.1f}  {kind} {impl}')
    print('# largest')
    for key, ms in problems.most_common(top):
        print(f'{ms:9.1f} {counts[key]:5d}  ' + ' '.join(key))
    print('# reorders')
    for key, ms in reorders.most_common(top):
        print(f'{ms:9.1f} {counts[key]:5d}  ' + ' '.join(key))


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
