import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SETTINGS_FILE } from "../../contract/routes";

/** The settings file beside a function's code (the stack writes tables there that outgrow the environment), if there is one. */
export function readSettingsFile<T>(env: NodeJS.ProcessEnv): Partial<T> | undefined {
  const file = join(env.LAMBDA_TASK_ROOT ?? __dirname, SETTINGS_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<T>) : undefined;
}
