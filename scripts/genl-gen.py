#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write module/genl.c, the family's kernel tables, from the YNL spec.

The kernel's generator (tools/net/ynl/ynl-gen-c.py of linux-source-6.12,
--mode kernel --source) writes the policies, the ops and the family
struct, but its ops are struct genl_split_ops (Linux 6.2+) and it drops
the admin-perm flag of multicast groups. This script loads the
generator as a module and renders with its own parser and its own policy,
multicast-group and family printers; only the ops table is written here,
in the struct genl_ops form every supported kernel takes (per-op policy,
as the generator's "per-op" mode does; a dump's pre and post hooks as
.start and .done), and admin-perm groups get
GENL_MCAST_CAP_NET_ADMIN. scripts/ynl.sh gen writes the file; ynl.sh check
writes it again and compares the two byte for byte.

usage: genl-gen.py YNL-GEN-C.PY SPEC OUTPUT
"""
import importlib.util
import os
import sys


def load_generator(path):
    sys.path.insert(0, os.path.dirname(path))      # its "lib"
    spec = importlib.util.spec_from_file_location('ynl_gen_c', path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


def print_ops(gen, family, cw):
    """The per-op struct genl_ops table, with a policy where the op has a
    request (the generator's per-op mode wants one on every op)."""
    cw.block_start(f'static const struct genl_ops {family.c_name}_nl_ops[] =')
    for op_name, op in family.ops.items():
        if op.is_async:
            continue
        cw.block_start()
        members = [('cmd', op.enum_name)]
        request = None
        hooks = []
        for op_mode in ['do', 'dump']:
            if op_mode not in op:
                continue
            name = gen.c_lower(f'{family.ident_name}-nl-{op_name}-{op_mode}it')
            members.append((op_mode + 'it', name))
            if 'request' in op[op_mode]:
                request = op[op_mode]['request']['attributes']
            for when, member in [('pre', 'start'), ('post', 'done')]:
                if when not in op[op_mode]:
                    continue
                if op_mode == 'do':     # genl_ops has them per family only
                    raise SystemExit(f'{op_name}: do {when} needs split ops')
                hooks.append((member, gen.c_lower(op[op_mode][when])))
        if request:
            struct = gen.Struct(family, op['attribute-set'], type_list=request)
            members.append(('policy',
                            gen.c_lower(f'{family.ident_name}-{op_name}-nl-policy')))
            members.append(('maxattr', struct.attr_max_val.enum_name))
        members += hooks
        if 'flags' in op:
            members.append(('flags', ' | '.join(
                gen.c_upper('genl-' + x) for x in op['flags'])))
        cw.write_struct_init(members)
        cw.block_end(line=',')
    cw.block_end(line=';')
    cw.nl()


def print_mcgrps(gen, family, cw):
    if not family.mcgrps['list']:
        return
    cw.block_start('static const struct genl_multicast_group ' +
                   family.c_name + '_nl_mcgrps[] =')
    for grp in family.mcgrps['list']:
        name = grp['name']
        grp_id = gen.c_upper(f'{family.ident_name}-nlgrp-{name}')
        if 'admin-perm' in grp.get('flags', []):
            cw.p(f'[{grp_id}] = {{ "{name}", .flags = GENL_MCAST_CAP_NET_ADMIN, }},')
        else:
            cw.p(f'[{grp_id}] = {{ "{name}", }},')
    cw.block_end(';')
    cw.nl()


def main():
    generator, spec, output = sys.argv[1:4]
    gen = load_generator(generator)
    family = gen.Family(spec, [])
    cw = gen.CodeWriter(gen.BaseNlLib(), output)

    _, spec_kernel = gen.find_kernel_root(spec)
    cw.p(f'// SPDX-License-Identifier: {family.license}')
    cw.p('/* Do not edit directly, auto-generated from: */')
    cw.p(f'/*\t{spec_kernel} */')
    cw.p('/* by scripts/genl-gen.py with the YNL-GEN kernel source printers */')
    cw.nl()
    cw.p('#include <net/netlink.h>')
    cw.p('#include <net/genetlink.h>')
    cw.nl()
    cw.p('#include "genl.h"')
    cw.nl()
    cw.p(f'#include <uapi/{family.uapi_header}>')
    cw.nl()

    gen.print_kernel_policy_ranges(family, cw)
    for op_name, op in family.ops.items():
        for op_mode in ['do', 'dump']:
            if op_mode in op and 'request' in op[op_mode]:
                cw.p(f'/* {op.enum_name} - {op_mode} */')
                ri = gen.RenderInfo(cw, family, 'kernel', op, op_mode)
                gen.print_req_policy(cw, ri.struct['request'], ri=ri)
                cw.nl()
    print_ops(gen, family, cw)
    print_mcgrps(gen, family, cw)
    family.kernel_policy = 'per-op'     # .ops and .n_ops
    gen.print_kernel_family_struct_src(family, cw)
    cw.close_out_file()
    return 0


if __name__ == '__main__':
    sys.exit(main())
