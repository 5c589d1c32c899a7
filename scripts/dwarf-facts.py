#!/usr/bin/env python3
# Extracts the facts the DWARF reader tests check (structs, enums, typedefs, variables, functions, arrays) from `llvm-dwarfdump -v`, as JSON.
#
# Addresses inside location expressions and .debug_addr come from readelf, which relocates them in
# ET_REL files (llvm-dwarfdump 14 prints DW_OP_addr operands unrelocated).
#
# Usage: scripts/dwarf-facts.py FILE > facts.json
#        scripts/dwarf-facts.py --ts FILE... > test/dwarf/expected-facts.ts
#        scripts/dwarf-facts.py --ts-subset NAME FILE > test/dwarf/expected-NAME.ts   (see SUBSET_STRUCTS)
# The same facts are computed with btfpost's reader in test/dwarf/facts.ts; the test carries this
# script's output literally, so the tests need no tools. Regenerate after scripts/dwarf-fixtures.sh.

import json
import os
import re
import subprocess
import sys

# LLVM_DWARFDUMP names another llvm-dwarfdump (14's crashes on LoongArch objects; 19's reads them).
DWARFDUMP = os.environ.get('LLVM_DWARFDUMP', 'llvm-dwarfdump')
DIE_RE = re.compile(r'^0x([0-9a-f]+):(\s+)(DW_TAG_\w+|NULL)')
ATTR_RE = re.compile(r'^\s+(DW_AT_\w+) \[(DW_FORM_\w+)\]\s+\((.*?)\)?\s*$')
UNIT_RE = re.compile(r'^0x([0-9a-f]+): (Compile|Type|Skeleton|Partial|Split Compile|Split Type) Unit: (.*)$')
REF_RE = re.compile(r'\{0x([0-9a-f]+)\}')
QUOTED_RE = re.compile(r'"(.*)"')
HEX16_RE = re.compile(r'0x([0-9a-f]+)')


def parse(path):
    out = subprocess.run([DWARFDUMP, '-v', '--debug-info', path], check=True, capture_output=True, text=True).stdout
    be = bool(re.search(r'file format elf\d+-(s390|big|powerpc$|sparc)', out))
    units, dies, sigs = [], [], {}
    stack = []
    cur = None
    section = None
    for line in out.split('\n'):
        if line.startswith('.debug_info contents'):
            section = 'info'
            continue
        m = UNIT_RE.match(line)
        if m:
            h = m.group(3)
            u = {
                'offset': int(m.group(1), 16),
                'version': int(re.search(r'version = 0x([0-9a-f]+)', h).group(1), 16),
                'unitType': (re.search(r'unit_type = (DW_UT_\w+)', h) or [None, 'DW_UT_compile'])[1],
                'addrSize': int(re.search(r'addr_size = 0x([0-9a-f]+)', h).group(1), 16),
                'format': re.search(r'format = (DWARF\d+)', h).group(1),
            }
            sig = re.search(r'type_signature = 0x([0-9a-f]+)', h)
            toff = re.search(r'type_offset = 0x([0-9a-f]+)', h)
            if sig and toff:
                sigs[int(sig.group(1), 16)] = u['offset'] + int(toff.group(1), 16)
            units.append(u)
            stack = []
            continue
        m = DIE_RE.match(line)
        if m:
            depth = (len(m.group(2)) - 1) // 2
            if m.group(3) == 'NULL':
                cur = None
                continue
            cur = {'off': int(m.group(1), 16), 'tag': m.group(3), 'depth': depth, 'attrs': {}, 'kids': [], 'unit': len(units) - 1}
            del stack[depth:]
            if stack:
                stack[-1]['kids'].append(cur)
            stack.append(cur)
            dies.append(cur)
            continue
        m = ATTR_RE.match(line)
        if m and cur is not None:
            cur['attrs'][m.group(1)] = (m.group(2), m.group(3))
    return be, units, dies, sigs


def readelf_addresses(path):
    """DW_OP_addr operands by DIE offset, and .debug_addr entries by unit offset, as readelf relocates them."""
    out = subprocess.run(['readelf', '--debug-dump=info,addr', path], check=True, capture_output=True, text=True).stdout
    op_addr, tables = {}, {}
    die = None
    table = None
    for line in out.split('\n'):
        m = re.match(r'^ <\d+><([0-9a-f]+)>: Abbrev Number', line)
        if m:
            die = int(m.group(1), 16)
            continue
        m = re.search(r'DW_AT_location\s*:.*\(DW_OP_addr: ([0-9a-f]+)', line)
        if m and die is not None:
            op_addr[die] = int(m.group(1), 16)
            continue
        m = re.match(r'^\s+For compilation unit at offset (0x)?([0-9a-f]+):', line)
        if m:
            table = tables.setdefault(int(m.group(2), 16), [])
            continue
        m = re.match(r'^\s+(\d+):\s+([0-9a-f]+)\s*$', line)
        if m and table is not None:
            table.append(int(m.group(2), 16))
    return op_addr, tables


def num(v):
    v = v.strip()
    if v.startswith('0x'):
        return int(v.split()[0], 16)
    return int(v.split()[0])


def name_of(d):
    a = d['attrs'].get('DW_AT_name')
    if not a:
        return ''
    m = QUOTED_RE.search(a[1])
    return m.group(1) if m else ''


def facts_of(path):
    be, units, dies, sigs = parse(path)
    op_addr, addr_tables = readelf_addresses(path)
    by_off = {d['off']: d for d in dies}
    unit_roots = {}
    for d in dies:
        if d['depth'] == 0:
            unit_roots[d['unit']] = d

    def ref(d, at):
        a = d['attrs'].get(at)
        if not a:
            return None
        if a[0] == 'DW_FORM_ref_sig8':
            return by_off.get(sigs[num(a[1])])
        m = REF_RE.search(a[1])
        return by_off.get(int(m.group(1), 16)) if m else None

    def uint(d, at, dflt=None):
        a = d['attrs'].get(at)
        if not a or a[0] in ('DW_FORM_exprloc', 'DW_FORM_block1'):
            return dflt
        return num(a[1])

    def type_size(t):
        while t is not None:
            s = uint(t, 'DW_AT_byte_size')
            if s is not None:
                return s
            t = ref(t, 'DW_AT_type')
        return 0

    def addrx(d, idx):
        return addr_tables[units[d['unit']]['offset']][idx]

    def loc(d):
        a = d['attrs'].get('DW_AT_location')
        if not a:
            return 'none'
        form, v = a
        if form in ('DW_FORM_sec_offset', 'DW_FORM_loclistx'):
            return 'list'
        ops = v.split(',')[0].split()
        if not ops:
            return 'empty'
        op = ops[0]
        if op == 'DW_OP_addr':
            return 'addr:0x%x' % op_addr.get(d['off'], int(ops[1], 16))
        if op == 'DW_OP_addrx':
            return 'addr:0x%x' % addrx(d, int(ops[1], 16))
        m = re.match(r'DW_OP_(reg|breg)(\d+)$', op)
        if m:
            return m.group(1) + m.group(2)
        if op == 'DW_OP_fbreg':
            return 'fbreg'
        return 'expr'

    facts = {'units': [], 'structs': [], 'enums': [], 'typedefs': [], 'vars': [], 'funcs': [], 'arrays': []}
    for i, u in enumerate(units):
        root = unit_roots.get(i)
        lang = root['attrs'].get('DW_AT_language', (None, ''))[1] if root else ''
        facts['units'].append([u['version'], u['unitType'], u['addrSize'], 8 if u['format'] == 'DWARF64' else 4, name_of(root) if root else '', lang])
    for d in dies:
        tag = d['tag']
        if tag in ('DW_TAG_structure_type', 'DW_TAG_union_type'):
            members = []
            for k in d['kids']:
                if k['tag'] != 'DW_TAG_member':
                    continue
                bitsize = uint(k, 'DW_AT_bit_size', 0)
                if 'DW_AT_data_bit_offset' in k['attrs']:
                    bitpos = uint(k, 'DW_AT_data_bit_offset')
                else:
                    bitpos = uint(k, 'DW_AT_data_member_location', 0) * 8
                    if 'DW_AT_bit_offset' in k['attrs']:
                        bo = uint(k, 'DW_AT_bit_offset')
                        if bo >= 1 << 63:
                            bo -= 1 << 64
                        storage = uint(k, 'DW_AT_byte_size') or type_size(ref(k, 'DW_AT_type'))
                        bitpos += bo if be else storage * 8 - bo - bitsize
                members.append([name_of(k), bitpos, bitsize])
            facts['structs'].append(['struct' if tag == 'DW_TAG_structure_type' else 'union', name_of(d), uint(d, 'DW_AT_byte_size', -1), 1 if 'DW_AT_declaration' in d['attrs'] else 0, members])
        elif tag == 'DW_TAG_enumeration_type':
            vals = []
            for k in d['kids']:
                form, v = k['attrs']['DW_AT_const_value']
                n = int(v, 0) if not v.startswith('0x') else int(v, 16)
                if form != 'DW_FORM_sdata' and n < 0:
                    n &= (1 << 64) - 1
                vals.append([name_of(k), str(n)])
            facts['enums'].append([name_of(d), uint(d, 'DW_AT_byte_size', -1), vals])
        elif tag == 'DW_TAG_typedef':
            t = ref(d, 'DW_AT_type')
            facts['typedefs'].append([name_of(d), t['tag'] if t else '', name_of(t) if t else ''])
        elif tag == 'DW_TAG_variable' and d['depth'] == 1 and name_of(d):
            facts['vars'].append([name_of(d), 1 if 'DW_AT_external' in d['attrs'] else 0, 1 if 'DW_AT_declaration' in d['attrs'] else 0, loc(d)])
        elif tag == 'DW_TAG_subprogram' and d['depth'] == 1 and name_of(d):
            low = high = ''
            if 'DW_AT_low_pc' in d['attrs']:
                form, v = d['attrs']['DW_AT_low_pc']
                lo = int(re.search(r'0x([0-9a-f]{8,})', v).group(1), 16) if form == 'DW_FORM_addr' else int(re.search(r'address = 0x([0-9a-f]+)', v).group(1), 16)
                hform, hv = d['attrs']['DW_AT_high_pc']
                hi = int(re.search(r'0x([0-9a-f]+)', hv).group(1), 16)
                if hform != 'DW_FORM_addr':
                    hi += lo
                low, high = '0x%x' % lo, '0x%x' % hi
            params = [[name_of(k), loc(k)] for k in d['kids'] if k['tag'] == 'DW_TAG_formal_parameter']
            facts['funcs'].append([name_of(d), 1 if 'DW_AT_external' in d['attrs'] else 0, low, high, params])
        elif tag == 'DW_TAG_array_type':
            t = ref(d, 'DW_AT_type')
            counts = []
            for k in d['kids']:
                if k['tag'] != 'DW_TAG_subrange_type':
                    continue
                if 'DW_AT_count' in k['attrs']:
                    counts.append(uint(k, 'DW_AT_count'))
                elif 'DW_AT_upper_bound' in k['attrs']:
                    counts.append(uint(k, 'DW_AT_upper_bound') + 1)
                else:
                    counts.append(-1)
            facts['arrays'].append([name_of(t) if t else '', counts])
    return facts


# The part of a big file's facts a test carries: these structs wherever they occur, every function and
# variable, and the first SUBSET_HEAD enums, typedefs and arrays. test/dwarf/facts.ts selects the same.
SUBSET_STRUCTS = ['net_device', 'sk_buff', 'list_head', 'net_device_ops', 'pcpu_dstats', 'rtnl_link_ops']
SUBSET_HEAD = 30


def subset(f):
    return {
        'units': f['units'],
        'structs': [s for s in f['structs'] if s[1] in SUBSET_STRUCTS],
        'enums': f['enums'][:SUBSET_HEAD],
        'typedefs': f['typedefs'][:SUBSET_HEAD],
        'vars': f['vars'],
        'funcs': f['funcs'],
        'arrays': f['arrays'][:SUBSET_HEAD],
    }


def main():
    args = sys.argv[1:]
    if args and args[0] == '--ts-subset':
        name, path = args[1], args[2]
        text = json.dumps(subset(facts_of(path)), separators=(',', ':'))
        print('// Part of the facts about a kernel module as llvm-dwarfdump and readelf read it; generated by scripts/dwarf-facts.py --ts-subset, do not edit.')
        print()
        print("import type { Facts } from './facts.js';")
        print()
        print('/** Facts of %s selected by `subsetFacts` (structs %s; the first %d enums, typedefs and arrays). */' % (name, ', '.join(SUBSET_STRUCTS), SUBSET_HEAD))
        print('export const EXPECTED_%s: Facts = %s;' % (re.sub(r'\W', '_', name).upper(), text))
        return
    if args and args[0] == '--ts':
        # One constant per distinct fact set, then a table by fixture name.
        consts, names = {}, {}
        for path in args[1:]:
            text = json.dumps(facts_of(path), separators=(',', ':'))
            if text not in consts:
                consts[text] = 'FACTS_%d' % len(consts)
            names[path.split('/')[-1]] = consts[text]
        print('// Facts about the testdata/dwarf fixtures as llvm-dwarfdump reads them; generated by scripts/dwarf-facts.py --ts, do not edit.')
        print()
        print("import type { Facts } from './facts.js';")
        for text, name in consts.items():
            print()
            print('const %s: Facts = %s;' % (name, text))
        print()
        print('/** Expected facts by fixture file name. */')
        print('export const EXPECTED_FACTS: Record<string, Facts> = {')
        for fname, name in names.items():
            print("  '%s': %s," % (fname, name))
        print('};')
        return
    json.dump(facts_of(args[0]), sys.stdout, separators=(',', ':'))
    print()


main()
