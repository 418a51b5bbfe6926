import { createHash } from "node:crypto";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { CONSUMERS_ENV, CONSUMER_KEYS_ENV, KEY_HASH_SALT_ENV, keyHashInput, type ConsumerContext } from "../../contract/consumers";
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

let cached: { readonly source: string; readonly consumers?: Consumers } | undefined;

/** Read from the environment once per container (again only if it changed, as in tests). */
function consumersOf(env: NodeJS.ProcessEnv): Consumers | undefined {
  const source = `${env[CONSUMERS_ENV] ?? ""}\n${env[CONSUMER_KEYS_ENV] ?? ""}\n${env[KEY_HASH_SALT_ENV] ?? ""}`;
  if (cached?.source !== source) {
    const models = env[CONSUMERS_ENV] ? (JSON.parse(env[CONSUMERS_ENV]) as Record<string, string[]>) : undefined;
    const pairs = JSON.parse(env[CONSUMER_KEYS_ENV] || "[]") as [string, string][];
    cached = { source, consumers: models ? { models, byHash: new Map(pairs), salt: env[KEY_HASH_SALT_ENV] ?? "" } : undefined };
  }
  return cached.consumers;
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
  const consumers = consumersOf(process.env);
  if (!consumers) return { principalId: "api-key", usageIdentifierKey: key, policyDocument: policy("Allow", `${base}/*`) };
  // A key no consumer holds is no key of this API's usage plans: API Gateway refuses it.
  const consumer = consumers.byHash.get(sha256(keyHashInput(consumers.salt, key)));
  const models = consumer ? (consumers.models[consumer] ?? []) : [];
  const context: ConsumerContext = { consumer: consumer ?? "unknown", models: JSON.stringify(models) };
  return {
    principalId: consumer ?? "unknown",
    usageIdentifierKey: key,
    policyDocument: policy("Allow", [`${base}/*/v1/*`, ...models.map((m) => `${base}/*/${m}/*`)]),
    context: { ...context },
  };
};
