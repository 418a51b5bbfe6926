const LEVELS = { info: 1, warn: 2, error: 3, silent: 4 } as const;
type Level = Exclude<keyof typeof LEVELS, "silent">;

const threshold = LEVELS[(process.env.LOG_LEVEL?.toLowerCase() as keyof typeof LEVELS) ?? "info"] ?? LEVELS.info;

/**
 * Lambda's JSON log format (loggingConfig.logFormat = JSON) wraps what console.* prints in a record
 * of its own, with the level of the console method used: an object handed to it becomes the record's
 * `message`, queryable in Logs Insights as message.status, message.model. A string would arrive escaped.
 */
const lambdaJsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === "JSON";

/** One structured record per event, with the request id; prompt text is never logged. LOG_LEVEL filters (info, warn, error, silent). */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold) return;
  if (lambdaJsonLogs) {
    console[level]({ message, ...fields });
    return;
  }
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

/**
 * A failed request: error for what is ours or the model's (5xx), warn for what the client sent (4xx),
 * with its outcome: "client_closed" when the client left (499), else "error".
 */
export function logFailure(message: string, statusCode: number, fields: Record<string, unknown>): void {
  log(statusCode >= 500 ? "error" : "warn", message, {
    status: statusCode,
    outcome: statusCode === 499 ? "client_closed" : "error",
    ...fields,
  });
}
