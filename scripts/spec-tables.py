#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write userspace/spec.[ch]: the tcpfsm family as tables, from the spec.

What a libmnl client needs of Documentation/netlink/specs/tcpfsm.yaml to
parse and name what the module sends: for every attribute set, per
attribute number, its libmnl type (mnl_attr_validate()), its exact length
where the spec fixes one, its name, whether it is multi-attr and the set
of its nest; and the names of the state enum. The command (userspace/) and
the selftests read these tables instead of keeping their own, so a new
attribute reaches both by regenerating (scripts/ynl.sh gen), and
scripts/ynl.sh check fails if the files are stale.

usage: spec-tables.py SPEC OUTPUT.h OUTPUT.c
"""
import os
import sys

import yaml

MNL = {
    'u8': 'MNL_TYPE_U8', 'u16': 'MNL_TYPE_U16', 'u32': 'MNL_TYPE_U32',
    'u64': 'MNL_TYPE_U64', 's64': 'MNL_TYPE_U64', 'nest': 'MNL_TYPE_NESTED',
    'string': 'MNL_TYPE_NUL_STRING', 'binary': 'MNL_TYPE_BINARY',
    'flag': 'MNL_TYPE_FLAG', 'pad': 'MNL_TYPE_UNSPEC',
}


def c_name(name):
    return name.replace('-', '_')


def enum_prefix(spec, aset):
    prefix = spec['name'].upper() + '_A_'
    return aset.get('name-prefix', prefix + c_name(aset['name']).upper() + '_')


def main():
    spec_path, out_h, out_c = sys.argv[1:4]
    spec = yaml.safe_load(open(spec_path))
    fam = c_name(spec['name'])
    banner = ('/* Do not edit directly, generated from */\n'
              '/*\tDocumentation/netlink/specs/%s.yaml by %s */\n'
              % (spec['name'], 'scripts/' + os.path.basename(sys.argv[0])))
    sets = spec['attribute-sets']
    states = next(d for d in spec['definitions']
                  if d['type'] == 'enum' and d['name'] == 'state')

    h = ['/* SPDX-License-Identifier: GPL-2.0 */', banner.rstrip(),
         f'#ifndef _{fam.upper()}_SPEC_H', f'#define _{fam.upper()}_SPEC_H', '',
         '#include <libmnl/libmnl.h>', '#include <stdbool.h>',
         '#include <stddef.h>', '',
         f'#include <linux/{spec["name"]}.h>', '',
         f'struct {fam}_attr_set;', '',
         '/* One attribute number of a set; type MNL_TYPE_UNSPEC: none, or pad */',
         f'struct {fam}_attr_spec {{',
         '\tenum mnl_attr_data_type type;',
         '\tconst char *name;',
         '\tsize_t len;\t\t\t/* exact length, or 0 */',
         '\tbool multi;\t\t\t/* multi-attr */',
         f'\tconst struct {fam}_attr_set *nest;\t/* for MNL_TYPE_NESTED */',
         '};', '',
         f'struct {fam}_attr_set {{',
         '\tconst char *name;',
         '\tunsigned int max;',
         f'\tconst struct {fam}_attr_spec *attrs;\t/* max + 1 */',
         '};', '']
    for aset in sets:
        h.append(f'extern const struct {fam}_attr_set {fam}_{c_name(aset["name"])}_set;')
    first = states.get('value-start', 0)
    last = first + len(states['entries']) - 1
    h += ['', f'/*',
          f' * The {states["name"]} enum, {first} to {last}: the spec\'s names in upper case',
          f' * with "_" for "-", as the kernel (tcp_states.h) and /proc spell them',
          f' */',
          f'#define {fam.upper()}_STATE_FIRST\t{first}',
          f'#define {fam.upper()}_STATE_LAST\t{last}',
          f'extern const char *const {fam}_state_names[{last + 1}];',
          '', f'#endif /* _{fam.upper()}_SPEC_H */', '']

    c = ['// SPDX-License-Identifier: GPL-2.0', banner.rstrip(),
         '#include "spec.h"', '']
    for aset in sets:
        name = c_name(aset['name'])
        prefix = enum_prefix(spec, aset)
        c.append(f'static const struct {fam}_attr_spec {name}_attrs[{prefix}MAX + 1] = {{')
        for attr in aset['attributes']:
            if attr['type'] == 'pad':
                continue
            fields = [MNL[attr['type']], f'"{attr["name"]}"']
            extra = []
            exact = attr.get('checks', {}).get('exact-len')
            if exact:
                extra.append(f'.len = {exact}')
            if attr.get('multi-attr'):
                extra.append('.multi = true')
            if attr['type'] == 'nest':
                extra.append(f'.nest = &{fam}_{c_name(attr["nested-attributes"])}_set')
            enum = prefix + c_name(attr['name']).upper()
            c.append(f'\t[{enum}] = {{ ' + ', '.join(fields + extra) + ' },')
        c.append('};')
        c.append('')
        c.append(f'const struct {fam}_attr_set {fam}_{name}_set = {{')
        c.append(f'\t.name = "{aset["name"]}",')
        c.append(f'\t.max = {prefix}MAX,')
        c.append(f'\t.attrs = {name}_attrs,')
        c.append('};')
        c.append('')
    c.append(f'const char *const {fam}_state_names[{last + 1}] = {{')
    for i, e in enumerate(states['entries']):
        ename = e if isinstance(e, str) else e['name']
        upper = c_name(ename).upper()
        c.append(f'\t[{fam.upper()}_{c_name(states["name"]).upper()}_{upper}] = "{upper}",')
    c.append('};')
    c.append('')

    open(out_h, 'w').write('\n'.join(h))
    open(out_c, 'w').write('\n'.join(c))
    return 0


if __name__ == '__main__':
    sys.exit(main())
