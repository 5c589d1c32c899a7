// Error types shared by every part of btfpost; the CLI turns them into one-line messages.

/** Codes that say which kind of failure happened; tests assert these, not message text. */
export type ErrorCode =
  | 'usage'
  | 'io'
  | 'elf'
  | 'dwarf'
  | 'btf'
  | 'btf-validate'
  | 'btfids'
  | 'unsupported';

/** Base of every error btfpost raises on purpose. Anything else reaching the CLI is a bug. */
export class BtfpostError extends Error {
  override name = 'BtfpostError';
  readonly code: ErrorCode;
  /** File the error is about, when known. */
  file?: string;
  /** Section (ELF section name or BTF part such as "types"), when known. */
  section?: string;
  /** Byte offset inside that section (or the file when no section is named). */
  offset?: number;

  constructor(code: ErrorCode, message: string, where: { file?: string; section?: string; offset?: number } = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.file = where.file;
    this.section = where.section;
    this.offset = where.offset;
  }

  /** "file: section+0xOFF: message", leaving out the parts that are unknown. */
  describe(): string {
    const parts: string[] = [];
    if (this.file !== undefined) parts.push(this.file);
    if (this.section !== undefined) {
      parts.push(this.offset !== undefined ? `${this.section}+0x${this.offset.toString(16)}` : this.section);
    } else if (this.offset !== undefined) {
      parts.push(`offset 0x${this.offset.toString(16)}`);
    }
    parts.push(this.message);
    return parts.join(': ');
  }
}

/** Malformed or unsupported ELF input. */
export class ElfError extends BtfpostError {
  override name = 'ElfError';
  constructor(message: string, where: { file?: string; section?: string; offset?: number } = {}) {
    super('elf', message, where);
  }
}

/** Malformed BTF input. `typeId` names the offending type when there is one. */
export class BtfError extends BtfpostError {
  override name = 'BtfError';
  typeId?: number;
  constructor(message: string, where: { file?: string; section?: string; offset?: number; typeId?: number } = {}) {
    super('btf', message, where);
    this.typeId = where.typeId;
  }
}

/** BTF that parses but breaks a rule the kernel enforces. */
export class BtfValidationError extends BtfpostError {
  override name = 'BtfValidationError';
  readonly typeId: number;
  readonly rule: string;
  constructor(typeId: number, rule: string, message: string, where: { file?: string; section?: string } = {}) {
    super('btf-validate', `[${typeId}] ${message}`, where);
    this.typeId = typeId;
    this.rule = rule;
  }
}

/** Malformed DWARF input. */
export class DwarfError extends BtfpostError {
  override name = 'DwarfError';
  constructor(message: string, where: { file?: string; section?: string; offset?: number } = {}) {
    super('dwarf', message, where);
  }
}

/** Wrong command-line use. */
export class UsageError extends BtfpostError {
  override name = 'UsageError';
  constructor(message: string) {
    super('usage', message);
  }
}

/** The error for a file that cannot be read (`cause`: what the file system said). */
export function readError(file: string, cause: unknown): BtfpostError {
  return new BtfpostError('io', `cannot read: ${(cause as Error).message}`, { file }, { cause });
}

/** Attach a file name to an error raised deeper down, where the file was not known. */
export function withFile<T extends BtfpostError>(err: T, file: string): T {
  if (err.file === undefined) err.file = file;
  return err;
}
