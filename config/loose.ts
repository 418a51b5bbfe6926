/**
 * Readers for a config value that may be partly invalid: the cross-field checks run even when single
 * fields failed, so every problem is reported at once, and read everything defensively.
 */
export type Issue = (path: (string | number)[], message: string) => void;

export const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
