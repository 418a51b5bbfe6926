import { createHash } from "node:crypto";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  CONSUMERS_ENV,
  CONSUMER_KEYS_ENV,
  CONSUMER_KEYS_SECRET_ENV,
  KEY_HASH_SALT_ENV,
  keyHashInput,
  type ConsumerContext,
  type KeyTable,
} from "../../contract/consumers";
import { readSettingsFile } from "../lib/settings-file";
import { apiKeyOf } from "../lib/api-key";
import { log } from "../lib/log";

/**
 * API Gateway REQUEST authorizer with apiKeySource AUTHORIZER: it hands the key the client sent
 * (Bearer or x-api-key) to API Gateway as the usage identifier, and API Gateway itself checks it
 * against the usage plans, with their throttling and quotas. No key: "Unauthorized" is thrown, the
 * one answer API Gateway turns into UNAUTHORIZED (401); a Deny would be ACCESS_DENIED, which this
 * API keeps for a key calling a model it may not (403). The price: a keyless request counts as an
 * error in the authorizer's Lambda metrics.
 *
 * With consumers, the key's salted SHA-256 names its consumer: the policy allows the OpenAI routes and the
 * consumer's own models' routes only, and the context tells the handlers which models it may call.
 */
interface Consumers {
  readonly models: Readonly<Record<string, readonly string[]>>;
  readonly byHash: ReadonlyMap<string, string>;
  readonly salt: string;
}

/** A key table read from the secret is read again after this long, so a key created since is known. */
export const KEY_TABLE_TTL_MS = 5 * 60_000;
/** A key the table does not know reads it again, at most this often (a new consumer's first calls). */
export const KEY_TABLE_MISS_REREAD_MS = 10_000;
/** One read of the secret gives up after this long: well inside the authorizer's 10 s, so a silent Secrets Manager costs a request 2 s, not its timeout. */
export const KEY_TABLE_READ_TIMEOUT_MS = 2_000;
/** After a failed read, none is tried for 1 s, then 2, 4 ... up to this: a failing Secrets Manager gets a few calls a minute per container, not one per request. */
export const KEY_TABLE_BACKOFF_MAX_MS = 60_000;

interface Cached {
  readonly source: string;
  readonly consumers?: Consumers;
  readonly readAt: number;
}
let cached: Cached | undefined;
/** Reads that failed in a row, and when the next may be tried. */
let failing: { readonly source: string; readonly count: number; readonly retryAt: number } | undefined;
let secrets: SecretsManagerClient | undefined;

/** The consumers' models: CONSUMERS in the environment (local and tests), else the settings file beside the code. */
function modelsOf(env: NodeJS.ProcessEnv): Record<string, string[]> | undefined {
  if (env[CONSUMERS_ENV]) return JSON.parse(env[CONSUMERS_ENV]) as Record<string, string[]>;
  return readSettingsFile<{ consumers: Record<string, string[]> }>(env)?.consumers;
}

/** The salt and the key hashes: from the secret the stack names, else (local and tests) from the environment. */
async function keyTableOf(env: NodeJS.ProcessEnv): Promise<KeyTable> {
  const secretId = env[CONSUMER_KEYS_SECRET_ENV];
  if (!secretId)
    return {
      salt: env[KEY_HASH_SALT_ENV] ?? "",
      keys: JSON.parse(env[CONSUMER_KEYS_ENV] || "[]") as [string, string][],
    };
  // Loaded on the first read, not at init: a stage without consumers never loads it (bench: cold init).
  const sdk = await import("@aws-sdk/client-secrets-manager");
  // One attempt per read: the backoff below paces the retries, not the SDK's own.
  secrets ??= new sdk.SecretsManagerClient({ maxAttempts: 1 });
  const command = new sdk.GetSecretValueCommand({ SecretId: secretId });
  const { SecretString } = await secrets.send(command, { abortSignal: AbortSignal.timeout(KEY_TABLE_READ_TIMEOUT_MS) });
  return JSON.parse(SecretString ?? "{}") as KeyTable;
}

/** Whether the table should be read now: it is missing, old, or `stale` asks; never while backing off. */
function dueForRead(source: string, stale: boolean, now: number): boolean {
  if (failing?.source === source && now < failing.retryAt) return false;
  if (cached?.source !== source) return true;
  const age = now - cached.readAt;
  return age >= KEY_TABLE_TTL_MS || (stale && age > KEY_TABLE_MISS_REREAD_MS);
}

/**
 * Read once per container, and again when the environment changed (tests), the table is old, or
 * `stale` asks. A failed read keeps the table read before (known keys keep working while Secrets
 * Manager is down) and backs off; with no table yet, the request fails (a 500 from API Gateway).
 */
async function consumersOf(env: NodeJS.ProcessEnv, stale = false): Promise<Consumers | undefined> {
  const source = [CONSUMERS_ENV, CONSUMER_KEYS_ENV, KEY_HASH_SALT_ENV, CONSUMER_KEYS_SECRET_ENV]
    .map((k) => env[k] ?? "")
    .join("\n");
  const now = Date.now();
  const kept = cached?.source === source ? cached : undefined;
  if (!dueForRead(source, stale, now)) {
    if (kept) return kept.consumers;
    throw new Error("The key table could not be read; the authorizer is backing off before it tries again.");
  }
  const models = modelsOf(env);
  try {
    const table = models ? await keyTableOf(env) : undefined;
    const consumers =
      models && table
        ? { models, byHash: new Map(table.keys.map(([hash, name]) => [hash, name])), salt: table.salt }
        : undefined;
    cached = { source, consumers, readAt: now };
    failing = undefined;
    return consumers;
  } catch (err) {
    const count = failing?.source === source ? failing.count + 1 : 1;
    failing = { source, count, retryAt: Date.now() + Math.min(1000 * 2 ** (count - 1), KEY_TABLE_BACKOFF_MAX_MS) };
    const servedAt = kept ? Math.round((now - kept.readAt) / 1000) : undefined;
    log("warn", "key table read failed", {
      failures: count,
      servingTableFromSecondsAgo: servedAt,
      error: (err as Error).name,
    });
    if (kept) return kept.consumers;
    throw err;
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const key = apiKeyOf(event.headers);
  // arn:aws:execute-api:region:account:api-id/stage/METHOD/path -> the whole stage, so one answer serves every route.
  const [arn, stage] = event.methodArn.split("/");
  const base = `${arn}/${stage}`;
  const policy = (Effect: "Allow" | "Deny", Resource: string | string[]) => ({
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect, Resource }],
  });
  if (!key) throw new Error("Unauthorized");
  let consumers = await consumersOf(process.env);
  if (!consumers)
    return { principalId: "api-key", usageIdentifierKey: key, policyDocument: policy("Allow", `${base}/*`) };
  let consumer = consumers.byHash.get(sha256(keyHashInput(consumers.salt, key)));
  // A key created since the table was read: read it again (rate-limited), then it is known.
  if (!consumer) {
    consumers = (await consumersOf(process.env, true)) ?? consumers;
    consumer = consumers.byHash.get(sha256(keyHashInput(consumers.salt, key)));
  }
  // A key no consumer holds is no key of this API's usage plans: API Gateway refuses it.
  const models = consumer ? (consumers.models[consumer] ?? []) : [];
  const context: ConsumerContext = { consumer: consumer ?? "unknown", models: JSON.stringify(models) };
  return {
    principalId: consumer ?? "unknown",
    usageIdentifierKey: key,
    policyDocument: policy("Allow", [`${base}/*/v1/*`, ...models.map((m) => `${base}/*/${m}/*`)]),
    context: { ...context },
  };
};
