#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl-names.py SPEC OUT: the tools' names of the family's attributes and
# commands, from the YNL spec, so that an error names the attribute the
# module pointed at ("memory"), as the kernel's own client does, and not
# its number. Run by scripts/ynl-gen, which checks the output like the
# kernel generator's.
import sys

import yaml


def c_upper(s):
    return s.upper().replace('-', '_')


def main():
    spec = yaml.safe_load(open(sys.argv[1]))
    out = []
    out.append('/* SPDX-License-Identifier: GPL-2.0 */')
    out.append('/* Do not edit: scripts/ynl-gen writes it from */')
    out.append('/* (ARRAY_SIZE: the tools\' compiler.h, which every build forces in) */')
    out.append('/*\tDocumentation/netlink/specs/migvisor.yaml */')
    out.append('#ifndef MV_NL_NAMES_H')
    out.append('#define MV_NL_NAMES_H')
    out.append('')
    out.append('#include <stddef.h>')
    out.append('#include <linux/migvisor_nl.h>')
    out.append('')
    # The sets requests carry: the module's bad-attribute offset points at
    # a top-level attribute of the command's set.
    used = {op['attribute-set'] for op in spec['operations']['list']}
    sets = {}
    for aset in spec['attribute-sets']:
        if aset['name'] not in used:
            continue
        name = aset['name'].replace('-', '_')
        prefix = aset.get('name-prefix', spec['name'] + '-a-' + aset['name'] + '-')
        sets[aset['name']] = name
        out.append(f'static const char *const mv_nl_{name}_attr_names[] = {{')
        for a in aset['attributes']:
            out.append(f'\t[{c_upper(prefix + a["name"])}] = "{a["name"]}",')
        out.append('};')
        out.append('')
    ops = spec['operations']
    prefix = ops.get('name-prefix', spec['name'] + '-cmd-')
    out.append('/* A command\'s name, and the attribute set its requests carry. */')
    out.append('static const struct mv_nl_cmd_name {')
    out.append('\tconst char *name;')
    out.append('\tconst char *const *attrs;')
    out.append('\tsize_t n_attrs;')
    out.append('} mv_nl_cmd_names[] = {')
    for op in ops['list']:
        s = sets[op['attribute-set']]
        out.append(f'\t[{c_upper(prefix + op["name"])}] = {{ "{op["name"]}", mv_nl_{s}_attr_names,')
        out.append(f'\t\tARRAY_SIZE(mv_nl_{s}_attr_names) }},')
    out.append('};')
    out.append('')
    out.append('/* The name of attribute @type of a @cmd request, or NULL. */')
    out.append('static inline const char *mv_nl_attr_name(unsigned int cmd, unsigned int type)')
    out.append('{')
    out.append('\tconst struct mv_nl_cmd_name *c;')
    out.append('')
    out.append('\tif (cmd >= ARRAY_SIZE(mv_nl_cmd_names))')
    out.append('\t\treturn NULL;')
    out.append('\tc = &mv_nl_cmd_names[cmd];')
    out.append('\treturn c->attrs && type < c->n_attrs ? c->attrs[type] : NULL;')
    out.append('}')
    out.append('')
    out.append('#endif')
    with open(sys.argv[2], 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
