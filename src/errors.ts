// Typed errors carry the process exit code of the command contract:
// 2 = bad usage or bad input (nothing written), 1 = the command ran but failed its purpose.

export class EvalhError extends Error {
  constructor(message: string, readonly exitCode: 0 | 1 | 2 | 130 = 1) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, unknown suite or dataset: exit 2. */
export class UsageError extends EvalhError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A bad input file: names the file, the line (1-based, when the file has lines) and the field. */
export class InputError extends EvalhError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    const where = [file, line !== undefined ? `line ${line}` : undefined, field !== undefined ? `field "${field}"` : undefined]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${problem}`, 2);
  }
}

/** A required official asset is missing or does not verify; the message says which `evalh data` command fixes it. */
export class AssetError extends EvalhError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The run finished its work but failed its purpose (error budget exceeded, gate failed): exit 1. */
export class RunFailedError extends EvalhError {
  constructor(message: string) {
    super(message, 1);
  }
}
