// Computes, with btfpost's DWARF reader, the same facts scripts/dwarf-facts.py extracts from llvm-dwarfdump.

import {
  DW_AT_bit_offset, DW_AT_bit_size, DW_AT_byte_size, DW_AT_const_value, DW_AT_count, DW_AT_data_bit_offset,
  DW_AT_data_member_location, DW_AT_declaration, DW_AT_external, DW_AT_language, DW_AT_low_pc, DW_AT_name, DW_AT_type,
  DW_AT_upper_bound, DW_FORM_sdata, DW_TAG_array_type, DW_TAG_enumeration_type, DW_TAG_formal_parameter, DW_TAG_member,
  DW_TAG_structure_type, DW_TAG_subprogram, DW_TAG_subrange_type, DW_TAG_typedef, DW_TAG_union_type, DW_TAG_variable,
  LOC_ADDR, LOC_BREG, LOC_EMPTY, LOC_FBREG, LOC_LIST, LOC_NONE, LOC_REG, constantName, tagName, toBig,
  type DieCursor, type DwarfFile,
} from '../../src/dwarf/index.js';

/** [version, unit type, address size, offset size, root name, language]. */
export type UnitFact = [number, string, number, number, string, string];
/** [member name, bit position, bit size (0 when not a bitfield)]. */
export type MemberFact = [string, number, number];
/** ['struct' | 'union', name, byte size (-1 when absent), declaration, members]. */
export type StructFact = [string, string, number, number, MemberFact[]];
/** [name, byte size, [enumerator, decimal value]]. */
export type EnumFact = [string, number, [string, string][]];
/** [typedef name, target tag, target name]. */
export type TypedefFact = [string, string, string];
/** [name, external, declaration, location ('none', 'addr:0x…', 'reg5', 'list', ...)]. */
export type VarFact = [string, number, number, string];
/** [name, external, low_pc ('' when none), high_pc, [parameter name, location]]. */
export type FuncFact = [string, number, string, string, [string, string][]];
/** [element type name, element counts per dimension (-1 when unbounded)]. */
export type ArrayFact = [string, number[]];

/** Everything the fixture tests compare. */
export interface Facts {
  units: UnitFact[];
  structs: StructFact[];
  enums: EnumFact[];
  typedefs: TypedefFact[];
  vars: VarFact[];
  funcs: FuncFact[];
  arrays: ArrayFact[];
}

function hex(hi: number, lo: number): string {
  return `0x${toBig(hi, lo).toString(16)}`;
}

function loc(cur: DieCursor): string {
  const k = cur.location();
  switch (k) {
    case LOC_NONE:
      return 'none';
    case LOC_ADDR:
      return `addr:${hex(cur.hi, cur.lo)}`;
    case LOC_REG:
      return `reg${cur.reg}`;
    case LOC_BREG:
      return `breg${cur.reg}`;
    case LOC_FBREG:
      return 'fbreg';
    case LOC_LIST:
      return 'list';
    case LOC_EMPTY:
      return 'empty';
  }
  return 'expr';
}

function nameOf(cur: DieCursor): string {
  return cur.attrString(DW_AT_name) ?? '';
}

/** Byte size of the type at `off`, following DW_AT_type through qualifiers and typedefs. */
function typeSize(aux: DieCursor, off: number): number {
  while (off >= 0) {
    aux.dieAt(off);
    const s = aux.attrUint(DW_AT_byte_size, -1);
    if (s >= 0) return s;
    off = aux.attrRef(DW_AT_type, -1);
  }
  return 0;
}

/** Walk every unit of `dwarf` and collect the facts (big-endian bit numbering when `be`). */
export function dwarfFacts(dwarf: DwarfFile, be: boolean): Facts {
  const facts: Facts = { units: [], structs: [], enums: [], typedefs: [], vars: [], funcs: [], arrays: [] };
  const cur = dwarf.cursor();
  const kids = dwarf.cursor();
  const aux = dwarf.cursor();
  for (const u of dwarf.units()) {
    cur.reset(u);
    let rootName = '';
    let lang = '';
    let first = true;
    let tag: number;
    while ((tag = cur.next()) !== 0) {
      if (first) {
        first = false;
        rootName = nameOf(cur);
        const l = cur.attrUint(DW_AT_language, -1);
        lang = l < 0 ? '' : constantName('DW_LANG_', l);
        facts.units.push([u.version, constantName('DW_UT_', u.unitType), u.addrSize, u.offsetSize, rootName, lang]);
        continue;
      }
      switch (tag) {
        case DW_TAG_structure_type:
        case DW_TAG_union_type: {
          const members: MemberFact[] = [];
          kids.dieAt(cur.offset);
          while (kids.nextChild(0)) {
            if (kids.tag !== DW_TAG_member) {
              kids.skipChildren();
              continue;
            }
            const bitSize = kids.attrUint(DW_AT_bit_size, 0);
            let bitPos: number;
            if (kids.has(DW_AT_data_bit_offset)) {
              bitPos = kids.attrUint(DW_AT_data_bit_offset);
            } else {
              bitPos = kids.attrUint(DW_AT_data_member_location, 0) * 8;
              if (kids.has(DW_AT_bit_offset)) {
                const bo = kids.attrSint(DW_AT_bit_offset);
                let storage = kids.attrUint(DW_AT_byte_size, 0);
                if (storage === 0) storage = typeSize(aux, kids.attrRef(DW_AT_type));
                bitPos += be ? bo : storage * 8 - bo - bitSize;
              }
            }
            members.push([nameOf(kids), bitPos, bitSize]);
            kids.skipChildren();
          }
          facts.structs.push([tag === DW_TAG_structure_type ? 'struct' : 'union', nameOf(cur), cur.attrUint(DW_AT_byte_size, -1), cur.attrFlag(DW_AT_declaration) ? 1 : 0, members]);
          break;
        }
        case DW_TAG_enumeration_type: {
          const vals: [string, string][] = [];
          kids.dieAt(cur.offset);
          while (kids.nextChild(0)) {
            if (kids.attrForm(DW_AT_const_value) === DW_FORM_sdata) {
              kids.attrS64(DW_AT_const_value);
              vals.push([nameOf(kids), BigInt.asIntN(64, toBig(kids.hi, kids.lo)).toString()]);
            } else {
              kids.attrU64(DW_AT_const_value);
              vals.push([nameOf(kids), toBig(kids.hi, kids.lo).toString()]);
            }
          }
          facts.enums.push([nameOf(cur), cur.attrUint(DW_AT_byte_size, -1), vals]);
          break;
        }
        case DW_TAG_typedef: {
          const t = cur.attrRef(DW_AT_type, -1);
          if (t < 0) facts.typedefs.push([nameOf(cur), '', '']);
          else {
            aux.dieAt(t);
            facts.typedefs.push([nameOf(cur), tagName(aux.tag), nameOf(aux)]);
          }
          break;
        }
        case DW_TAG_variable:
          if (cur.depth === 1 && cur.has(DW_AT_name)) {
            facts.vars.push([nameOf(cur), cur.attrFlag(DW_AT_external) ? 1 : 0, cur.attrFlag(DW_AT_declaration) ? 1 : 0, loc(cur)]);
          }
          break;
        case DW_TAG_subprogram:
          if (cur.depth === 1 && cur.has(DW_AT_name)) {
            let low = '';
            let high = '';
            if (cur.has(DW_AT_low_pc)) {
              const r: number[] = [];
              cur.pcRanges(r);
              low = hex(r[0], r[1]);
              high = hex(r[2], r[3]);
            }
            const params: [string, string][] = [];
            kids.dieAt(cur.offset);
            while (kids.nextChild(0)) {
              if (kids.tag === DW_TAG_formal_parameter) params.push([nameOf(kids), loc(kids)]);
              kids.skipChildren();
            }
            facts.funcs.push([nameOf(cur), cur.attrFlag(DW_AT_external) ? 1 : 0, low, high, params]);
          }
          break;
        case DW_TAG_array_type: {
          const t = cur.attrRef(DW_AT_type, -1);
          let elem = '';
          if (t >= 0) {
            aux.dieAt(t);
            elem = nameOf(aux);
          }
          const counts: number[] = [];
          kids.dieAt(cur.offset);
          while (kids.nextChild(0)) {
            if (kids.tag !== DW_TAG_subrange_type) continue;
            if (kids.has(DW_AT_count)) counts.push(kids.attrUint(DW_AT_count));
            else if (kids.has(DW_AT_upper_bound)) counts.push(kids.attrUint(DW_AT_upper_bound) + 1);
            else counts.push(-1);
          }
          facts.arrays.push([elem, counts]);
          break;
        }
      }
    }
  }
  return facts;
}

/** Structs a big file's expected facts keep (scripts/dwarf-facts.py SUBSET_STRUCTS). */
export const SUBSET_STRUCTS = ['net_device', 'sk_buff', 'list_head', 'net_device_ops', 'pcpu_dstats', 'rtnl_link_ops'];
/** How many enums, typedefs and arrays a big file's expected facts keep (scripts/dwarf-facts.py SUBSET_HEAD). */
export const SUBSET_HEAD = 30;

/** The part of `f` that scripts/dwarf-facts.py --ts-subset writes. */
export function subsetFacts(f: Facts): Facts {
  return {
    units: f.units,
    structs: f.structs.filter((s) => SUBSET_STRUCTS.includes(s[1])),
    enums: f.enums.slice(0, SUBSET_HEAD),
    typedefs: f.typedefs.slice(0, SUBSET_HEAD),
    vars: f.vars,
    funcs: f.funcs,
    arrays: f.arrays.slice(0, SUBSET_HEAD),
  };
}
