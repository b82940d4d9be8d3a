import { EvalhError } from '../errors.js';

/** No usable sandbox (bwrap missing or unable to create namespaces) and `unsafe` not allowed: exit 2. */
export class SandboxUnavailableError extends EvalhError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A bad ExecSpec (file path escaping the sample directory, empty argv) or an internal failure of the executor. */
export class SandboxError extends EvalhError {
  constructor(message: string) {
    super(message, 1);
  }
}
