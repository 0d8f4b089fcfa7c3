/**
 * What a sync leaves for the next one (deletions not checked, rescans to ask again, rows that
 * vanished while they were fetched) is said, never only counted: each note is one line in the
 * summary's `warnings`, a warning in the log, and reaches the caller's `onWarning` as it happens.
 */
import type { Logger } from '../log';
import type { EntityName } from '../mirror-rows';

export class SyncWarnings {
  readonly lines: string[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly onWarning: ((message: string) => void) | undefined,
  ) {}

  add(entity: EntityName, message: string): void {
    const line = `${entity}: ${message}`;
    this.lines.push(line);
    this.logger.warn(line, { entity });
    this.onWarning?.(line);
  }
}
