// Zod schema of the JSON BTF dump, whose records mirror `bpftool -j btf dump ... format raw`.

import { z } from 'zod';

const u32 = z.number().int().min(0).max(0xffffffff);
const s32 = z.number().int().min(-0x80000000).max(0x7fffffff);
/** A 64-bit value: a number when it is a safe integer, else its exact decimal text. */
const int64 = z.union([z.number().int().refine(Number.isSafeInteger, 'unsafe integer'), z.string().regex(/^-?[0-9]+$/)]);

const common = { id: u32, name: z.string() };

const intRecord = z.object({
  ...common,
  kind: z.literal('INT'),
  size: u32,
  bits_offset: u32,
  nr_bits: u32,
  encoding: z.enum(['(none)', 'SIGNED', 'CHAR', 'BOOL', 'UNKN']),
});
const refRecord = z.object({
  ...common,
  kind: z.enum(['PTR', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPEDEF', 'TYPE_TAG']),
  type_id: u32,
});
const arrayRecord = z.object({
  ...common,
  kind: z.literal('ARRAY'),
  type_id: u32,
  index_type_id: u32,
  nr_elems: u32,
});
const member = z.object({
  name: z.string(),
  type_id: u32,
  bits_offset: u32,
  bitfield_size: u32.optional(),
});
const compositeRecord = z.object({
  ...common,
  kind: z.enum(['STRUCT', 'UNION']),
  size: u32,
  vlen: u32,
  members: z.array(member),
});
const encoding = z.enum(['SIGNED', 'UNSIGNED']);
const enumRecord = z.object({
  ...common,
  kind: z.literal('ENUM'),
  encoding,
  size: u32,
  vlen: u32,
  values: z.array(z.object({ name: z.string(), val: z.union([u32, s32]) })),
});
const enum64Record = z.object({
  ...common,
  kind: z.literal('ENUM64'),
  encoding,
  size: u32,
  vlen: u32,
  values: z.array(z.object({ name: z.string(), val: int64 })),
});
const fwdRecord = z.object({ ...common, kind: z.literal('FWD'), fwd_kind: z.enum(['struct', 'union']) });
const linkage = z.enum(['static', 'global', 'extern', '(unknown)']);
const funcRecord = z.object({ ...common, kind: z.literal('FUNC'), type_id: u32, linkage });
const funcProtoRecord = z.object({
  ...common,
  kind: z.literal('FUNC_PROTO'),
  ret_type_id: u32,
  vlen: u32,
  params: z.array(z.object({ name: z.string(), type_id: u32 })),
});
const varRecord = z.object({ ...common, kind: z.literal('VAR'), type_id: u32, linkage });
const datasecRecord = z.object({
  ...common,
  kind: z.literal('DATASEC'),
  size: u32,
  vlen: u32,
  vars: z.array(z.object({ type_id: u32, offset: u32, size: u32 })),
});
const floatRecord = z.object({ ...common, kind: z.literal('FLOAT'), size: u32 });
const declTagRecord = z.object({ ...common, kind: z.literal('DECL_TAG'), type_id: u32, component_idx: s32 });
const unknownRecord = z.object({ ...common, kind: z.literal('UNKNOWN') });

/** One type record, discriminated on `kind` (bpftool's kind names). */
export const BtfJsonTypeSchema = z.discriminatedUnion('kind', [
  intRecord, refRecord, arrayRecord, compositeRecord, enumRecord, enum64Record, fwdRecord,
  funcRecord, funcProtoRecord, varRecord, datasecRecord, floatRecord, declTagRecord, unknownRecord,
]);

/** The whole document: `{ types: [...] }`, as `bpftool -j btf dump ... format raw` prints it. */
export const BtfJsonDumpSchema = z.object({ types: z.array(BtfJsonTypeSchema) });

/** One type record of the JSON dump. */
export type BtfJsonType = z.infer<typeof BtfJsonTypeSchema>;
/** The JSON dump document. */
export type BtfJsonDump = z.infer<typeof BtfJsonDumpSchema>;
