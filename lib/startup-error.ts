/**
 * A start-up failure that an operator can fix: what went wrong and which setting to change.
 * The launcher prints `message` alone (no stack) and exits non-zero.
 */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StartupError";
  }
}
