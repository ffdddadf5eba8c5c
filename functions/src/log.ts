/**
 * Structured logs in Cloud Logging's JSON format: one line per entry, `severity` and `message`
 * recognised by the agent, everything else kept as jsonPayload fields.
 */
export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  critical(message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Severity[] = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'];

export function createLogger(
  minimum: Severity = 'INFO',
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (severity: Severity, message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER.indexOf(severity) < ORDER.indexOf(minimum)) return;
    const entry: Record<string, unknown> = { severity, message, time: new Date().toISOString(), ...fields };
    if (fields.error instanceof Error) {
      entry.error = { name: fields.error.name, message: fields.error.message, stack: fields.error.stack };
    }
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    warn: (m, f) => emit('WARNING', m, f),
    error: (m, f) => emit('ERROR', m, f),
    critical: (m, f) => emit('CRITICAL', m, f),
  };
}
