/**
 * Durations as operators write them (`500ms`, `5s`, `5m`, `2h`, `1d`) and as people read them.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses one duration such as `5s` or `1.5h` into milliseconds.
 * @throws Error naming the text when it is not a duration.
 */
export function parseDurationMs(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (use a number and ms, s, m, h or d, e.g. 5m)`);
  const value = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(value * UNIT_MS[unit]);
}

/** Parses a comma-separated list of durations (`5s,5m,30m`). */
export function parseDurationListMs(text: string): number[] {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  return parts.map(parseDurationMs);
}

/** Formats milliseconds with the largest unit that divides them (`300000` → `5m`). */
export function formatDurationMs(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
