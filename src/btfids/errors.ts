// The error raised when .BTF_ids cannot be resolved: bad symbols, out-of-range slots, warnings made fatal.

import { BtfpostError } from '../common/errors.js';

/** A failure while collecting, resolving or patching `.BTF_ids`; `symbol` names the ELF symbol when there is one. */
export class BtfIdsError extends BtfpostError {
  override name = 'BtfIdsError';
  /** The `__BTF_ID__*` symbol (or the resolved name) the error is about, when known. */
  symbol?: string;
  /** With fatal warnings: every warning text, in order, so a caller can print them all. */
  warnings?: readonly string[];

  constructor(message: string, where: { file?: string; section?: string; offset?: number; symbol?: string } = {}) {
    super('btfids', message, where);
    this.symbol = where.symbol;
  }
}
