// The --btf_features table of pahole 1.30 and the parser for its list syntax (default, +feature, unknown names).

import { UsageError } from '../common/errors.js';

/** Every encoder switch a feature list can turn on; all false means "nothing but plain types". */
export interface EncodeFeatures {
  /** Skip invalid variable names instead of failing. */
  encode_force: boolean;
  /** Per-CPU variables as VAR + `.data..percpu` DATASEC. */
  var: boolean;
  /** FLOAT kind for floating-point base types (else INT). */
  float: boolean;
  /** DECL_TAG from btf_decl_tag annotations. */
  decl_tag: boolean;
  /** TYPE_TAG from btf_type_tag annotations. */
  type_tag: boolean;
  /** ENUM64 for enums wider than 4 bytes. */
  enum64: boolean;
  /** Encode `.isra.N`/`.constprop.N` functions under their DWARF name. */
  optimized_func: boolean;
  /** Skip functions with inconsistent prototypes or unexpected register use. */
  consistent_func: boolean;
  /** DECL_TAG "bpf_kfunc" (and "bpf_fastcall") on kfuncs of BTF_SET8_KFUNCS sets. */
  decl_tag_kfuncs: boolean;
  /** Ordered CU encoding (always the case here). */
  reproducible_build: boolean;
  /** Split BTF plus `.BTF.base` (distilled) when writing into the ELF. */
  distilled_base: boolean;
  /** VARs for every global variable, one DATASEC per section. */
  global_var: boolean;
  /** Tags with kind_flag=1 (arbitrary attributes, arena address_space(1) type tags). */
  attributes: boolean;
  /** Layout section (base BTF only). */
  layout: boolean;
}

/** A feature name. */
export type EncodeFeatureName = keyof EncodeFeatures;

/** Feature names in pahole's table order, and whether `default` enables each. */
export const FEATURE_TABLE: ReadonlyArray<readonly [EncodeFeatureName, boolean]> = [
  ['encode_force', true],
  ['var', true],
  ['float', true],
  ['decl_tag', true],
  ['type_tag', true],
  ['enum64', true],
  ['optimized_func', true],
  ['consistent_func', true],
  ['decl_tag_kfuncs', true],
  ['reproducible_build', false],
  ['distilled_base', false],
  ['global_var', false],
  ['attributes', false],
  ['layout', false],
];

/** The feature list Kbuild passes to pahole for Linux 6.12 modules. */
export const KBUILD_FEATURES = 'encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs';

/** All features off (what pahole does without any --btf_features option). */
export function noFeatures(): EncodeFeatures {
  const f = {} as EncodeFeatures;
  for (const [name] of FEATURE_TABLE) f[name] = false;
  return f;
}

/** True when `name` is a known feature. */
export function isFeatureName(name: string): name is EncodeFeatureName {
  return FEATURE_TABLE.some(([n]) => n === name);
}

/**
 * Apply one or more `--btf_features` lists (they accumulate, as in pahole): `default` enables the
 * default set, a leading `+` adds the default set to the listed names, unknown names are ignored
 * unless `strict` is set, in which case they raise a UsageError.
 */
export function parseFeatureLists(lists: readonly string[], opts: { strict?: boolean } = {}): EncodeFeatures {
  const f = noFeatures();
  const enableDefault = () => {
    for (const [name, dflt] of FEATURE_TABLE) if (dflt) f[name] = true;
  };
  for (let list of lists) {
    if (list === 'default') {
      enableDefault();
      continue;
    }
    if (list.startsWith('+')) {
      enableDefault();
      list = list.slice(1);
    }
    for (const name of list.split(',')) {
      if (name === '') continue;
      if (isFeatureName(name)) {
        f[name] = true;
      } else if (opts.strict) {
        throw new UsageError(`unknown BTF feature '${name}' (known: ${FEATURE_TABLE.map(([n]) => n).join(',')})`);
      }
    }
  }
  return f;
}

/**
 * What pahole does when no --btf_features option is given at all: its legacy switches default to
 * encoding variables, ENUM64 and both kinds of tags, with floats as INT and every function kept.
 */
export function legacyDefaultFeatures(): EncodeFeatures {
  return { ...noFeatures(), var: true, enum64: true, decl_tag: true, type_tag: true };
}
