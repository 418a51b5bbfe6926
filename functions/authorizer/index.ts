import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { apiKeyOf } from "../lib/api-key";

/**
 * API Gateway REQUEST authorizer with apiKeySource AUTHORIZER: it hands the key the client sent
 * (Bearer or x-api-key) to API Gateway as the usage identifier, and API Gateway itself checks it
 * against the usage plans, with their throttling and quotas. No key: a Deny, which the API's
 * ACCESS_DENIED gateway response answers as 401 in OpenAI's shape. (Throwing "Unauthorized" would
 * also give a 401, but count every keyless request as a function error.)
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const key = apiKeyOf(event.headers);
  // arn:aws:execute-api:region:account:api-id/stage/METHOD/path -> the whole stage, so one answer serves every route.
  const [arn, stage] = event.methodArn.split("/");
  const statement = { Action: "execute-api:Invoke", Resource: `${arn}/${stage}/*` };
  if (!key) return { principalId: "anonymous", policyDocument: { Version: "2012-10-17", Statement: [{ ...statement, Effect: "Deny" }] } };
  return { principalId: "api-key", usageIdentifierKey: key, policyDocument: { Version: "2012-10-17", Statement: [{ ...statement, Effect: "Allow" }] } };
};
