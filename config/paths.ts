import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The project folder (the one holding cdktf.json), found from this file whether it runs as TypeScript or bundled. */
export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
