import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { apiKeyOf } from "../../functions/lib/api-key";
import { handler } from "../../functions/authorizer";

const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/v1/chat/completions";
const event = (headers: Record<string, string>) => ({ type: "REQUEST", methodArn: METHOD_ARN, headers }) as unknown as APIGatewayRequestAuthorizerEvent;

describe("the API key a client sent", () => {
  it.each([
    [{ Authorization: "Bearer sk-1" }, "sk-1"],
    [{ authorization: "bearer   sk-1 " }, "sk-1"],
    [{ "x-api-key": "sk-2" }, "sk-2"],
    [{ "X-Api-Key": "sk-2" }, "sk-2"],
    [{ Authorization: "Bearer sk-1", "x-api-key": "sk-2" }, "sk-1"],
    [{ Authorization: "Basic dXNlcjpwYXNz" }, undefined],
    [{ Authorization: "Bearer" }, undefined],
    [{ "x-api-key": "" }, undefined],
    [{}, undefined],
  ])("from %j is %s", (headers, key) => {
    expect(apiKeyOf(headers)).toBe(key);
  });
});

describe("the authorizer", () => {
  it("hands the key to API Gateway as the usage identifier and allows the whole stage", async () => {
    expect(await handler(event({ authorization: "Bearer sk-1" }))).toEqual({
      principalId: "api-key",
      usageIdentifierKey: "sk-1",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*" }],
      },
    });
  });

  it("denies a request without a key (the API answers 401), without throwing, so no function error is counted", async () => {
    const result = await handler(event({}));
    expect(result.usageIdentifierKey).toBeUndefined();
    expect(result.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*" },
    ]);
  });
});
