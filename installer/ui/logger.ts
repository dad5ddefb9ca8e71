/** Progress for people, on stderr; data goes to stdout. Nothing here ever receives a secret. */
export interface Logger {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface LoggerOptions {
  /** Say nothing (--output json keeps stderr for errors only). */
  readonly quiet?: boolean;
}

export function createStderrLogger(
  stream: NodeJS.WritableStream = process.stderr,
  { quiet = false }: LoggerOptions = {},
): Logger {
  const write = (prefix: string, m: string) => {
    if (!quiet) stream.write(`${prefix} ${m}\n`);
  };
  return {
    step: (m) => {
      write('►', m);
    },
    info: (m) => {
      write(' ', m);
    },
    warn: (m) => {
      write('⚠', m);
    },
  };
}

export const silentLogger: Logger = { step: () => undefined, info: () => undefined, warn: () => undefined };
