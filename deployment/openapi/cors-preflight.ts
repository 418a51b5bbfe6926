import { CORS_ALLOW_HEADERS } from "./gateway-responses";

/**
 * A path item with CORS preflight, when the API has origins. Preflight answers with API Gateway's
 * mock integration: no key, no Lambda. With several origins it answers "*": preflight reveals
 * nothing, and the real answer names one origin.
 */
export function withPreflight(item: Record<string, unknown>, origins: readonly string[]): Record<string, unknown> {
  if (origins.length === 0) return item;
  const methods = Object.keys(item)
    .map((m) => m.toUpperCase())
    .join(",");
  return {
    ...item,
    options: {
      summary: "CORS preflight",
      security: [],
      responses: {
        "200": {
          description: "CORS preflight",
          headers: Object.fromEntries(
            ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"].map((h) => [h, { schema: { type: "string" } }]),
          ),
        },
      },
      "x-amazon-apigateway-integration": {
        type: "mock",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
        passthroughBehavior: "when_no_match",
        responses: {
          default: {
            statusCode: "200",
            responseParameters: {
              "method.response.header.Access-Control-Allow-Origin": origins.length === 1 ? `'${origins[0]}'` : "'*'",
              "method.response.header.Access-Control-Allow-Methods": `'${methods},OPTIONS'`,
              "method.response.header.Access-Control-Allow-Headers": `'${CORS_ALLOW_HEADERS}'`,
            },
          },
        },
      },
    },
  };
}
