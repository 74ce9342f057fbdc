#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that module/netlink.c agrees with the YNL spec.

The kernel's generator (ynl-gen-c.py --mode kernel --source) is the
reference for the request policies and the ops table; module/netlink.c is
written by hand (see scripts/ynl.sh for why) and must carry:
  - every policy the generator makes, verbatim (whitespace aside);
  - the same ops (cmd, doit, dumpit, policy, maxattr, permission flags);
  - the spec's multicast groups, in order, admin-perm ones with
    GENL_MCAST_CAP_NET_ADMIN.
usage: ynl-check.py SPEC GENERATED.c OURS.c
"""
import re
import sys

import yaml


def squash(text):
    return re.sub(r'\s+', ' ', text).strip()


def policies(text):
    return {m.group(1): squash(m.group(0)) for m in re.finditer(
        r'static const struct nla_policy (\w+)\[[^]]*\] = \{.*?\n\};',
        text, re.S)}


def ops(text, ctype):
    m = re.search(r'static const struct ' + ctype + r' \w+\[\] = \{(.*?)\n\};',
                  text, re.S)
    if not m:
        return None
    out = []
    for entry in re.findall(r'\{(.*?)\}', m.group(1), re.S):
        fields = dict(re.findall(r'\.(\w+)\s*=\s*([^,]+),', entry + ','))
        flags = {f.strip() for f in fields.get('flags', '0').split('|')}
        fields['flags'] = sorted(flags - {'0', 'GENL_CMD_CAP_DO',
                                          'GENL_CMD_CAP_DUMP',
                                          'GENL_CMD_CAP_HASPOL'})
        out.append({k: squash(v) if isinstance(v, str) else v
                    for k, v in fields.items()})
    return out


def main():
    spec = yaml.safe_load(open(sys.argv[1]))
    gen = open(sys.argv[2]).read()
    ours = open(sys.argv[3]).read()
    bad = []

    mine = policies(ours)
    for name, body in policies(gen).items():
        if mine.get(name) != body:
            bad.append(f'policy {name} differs from the generator\'s:\n  {body}')

    want, got = ops(gen, 'genl_split_ops'), ops(ours, 'genl_ops')
    if got is None:
        bad.append('no "static const struct genl_ops ...[]" table')
    elif want != got:
        bad.append(f'ops differ:\n  generator: {want}\n  ours:      {got}')

    m = re.search(r'genl_multicast_group \w+\[\] = \{(.*?)\n\};', ours, re.S)
    groups = re.findall(r'\[(\w+)\]\s*=\s*\{([^}]*)\}', m.group(1)) if m else []
    prefix = spec['name'].upper().replace('-', '_')
    expect = spec.get('mcast-groups', {}).get('list', [])
    if len(groups) != len(expect):
        bad.append(f'{len(groups)} multicast groups, the spec has {len(expect)}')
    for (idx, body), grp in zip(groups, expect):
        name = grp['name']
        enum = f'{prefix}_NLGRP_{name.upper().replace("-", "_")}'
        admin = 'admin-perm' in grp.get('flags', [])
        if idx != enum or f'"{name}"' not in body or \
           admin != ('GENL_MCAST_CAP_NET_ADMIN' in body):
            bad.append(f'multicast group [{idx}] = {{{body}}} is not the '
                       f'spec\'s {name}{" (admin-perm)" if admin else ""}')

    for b in bad:
        print(f'ynl-check: {sys.argv[3]}: {b}', file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
