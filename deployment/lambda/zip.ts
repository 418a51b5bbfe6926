import { zipSync, type Zippable } from "fflate";

/** 1980-01-01 00:00, the earliest date a zip can hold, in local time as fflate reads it: the same bytes in every time zone. */
const EPOCH = new Date(1980, 0, 1);
/** Made by Unix (os 3) with mode rw-r--r--, so Lambda unpacks readable files. */
const FILE = { os: 3, attrs: (0o100644 << 16) >>> 0, mtime: EPOCH, level: 9 } as const;

/**
 * A zip archive that depends on file names and contents only: fixed timestamps,
 * fixed order, fixed modes. The same code always gives the same bytes, so the
 * Lambda's `source_code_hash` changes exactly when the code does.
 */
export function deterministicZip(files: Readonly<Record<string, Buffer>>): Buffer {
  const entries: Zippable = {};
  for (const name of Object.keys(files).sort()) entries[name] = [files[name], FILE];
  return Buffer.from(zipSync(entries));
}
