/** The pino-style logger the services pass in. Objects logged must never hold personal data. */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that drops everything (tests, tools). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
