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

let cached: { readonly source: string; readonly consumers?: Consumers; readonly readAt: number } | undefined;
let secrets: SecretsManagerClient | undefined;

/** The consumers' models: CONSUMERS in the environment (local and tests), else the settings file beside the code. */
function modelsOf(env: NodeJS.ProcessEnv): Record<string, string[]> | undefined {
  if (env[CONSUMERS_ENV]) return JSON.parse(env[CONSUMERS_ENV]) as Record<string, string[]>;
  return readSettingsFile<{ consumers: Record<string, string[]> }>(env)?.consumers;
}

/** The salt and the key hashes: from the secret the stack names, else (local and tests) from the environment. */
async function keyTableOf(env: NodeJS.ProcessEnv): Promise<KeyTable> {
  const secretId = env[CONSUMER_KEYS_SECRET_ENV];
  if (!secretId) return { salt: env[KEY_HASH_SALT_ENV] ?? "", keys: JSON.parse(env[CONSUMER_KEYS_ENV] || "[]") as [string, string][] };
  // Loaded on the first read, not at init: a stage without consumers never loads it (bench: cold init).
  const sdk = await import("@aws-sdk/client-secrets-manager");
  secrets ??= new sdk.SecretsManagerClient({});
  const { SecretString } = await secrets.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
  return JSON.parse(SecretString ?? "{}") as KeyTable;
}

/** Read once per container, and again when the environment changed (tests), the table is old, or `stale` asks. */
async function consumersOf(env: NodeJS.ProcessEnv, stale = false): Promise<Consumers | undefined> {
  const source = [CONSUMERS_ENV, CONSUMER_KEYS_ENV, KEY_HASH_SALT_ENV, CONSUMER_KEYS_SECRET_ENV].map((k) => env[k] ?? "").join("\n");
  const age = cached ? Date.now() - cached.readAt : Infinity;
  if (cached?.source === source && age < KEY_TABLE_TTL_MS && !(stale && age > KEY_TABLE_MISS_REREAD_MS)) return cached.consumers;
  const models = modelsOf(env);
  const table = models ? await keyTableOf(env) : undefined;
  const consumers = models && table ? { models, byHash: new Map(table.keys.map(([hash, name]) => [hash, name])), salt: table.salt } : undefined;
  cached = { source, consumers, readAt: Date.now() };
  return consumers;
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
  if (!consumers) return { principalId: "api-key", usageIdentifierKey: key, policyDocument: policy("Allow", `${base}/*`) };
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
