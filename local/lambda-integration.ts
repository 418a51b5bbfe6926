import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { ResponseStreamSink, type StreamingHandler } from "./lambda-runtime";

/**
 * How the local API calls a Lambda integration as API Gateway does: the proxy integration's event,
 * and a streamed answer passed on as the function writes it.
 */

/** The proxy integration's event, as API Gateway builds it. */
export function proxyEvent(
  req: IncomingMessage,
  at: {
    requestId: string;
    method: string;
    url: { pathname: string; searchParams: URLSearchParams };
    route: { resource: string; parameters: Record<string, string> };
    body: Buffer;
    authorizer?: Record<string, string>;
  },
): APIGatewayProxyEvent {
  const { requestId, method, url, route, body, authorizer } = at;
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
  );
  return {
    resource: route.resource,
    path: url.pathname,
    httpMethod: method.toUpperCase(),
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.fromEntries(url.searchParams),
    multiValueQueryStringParameters: null,
    pathParameters: Object.keys(route.parameters).length > 0 ? route.parameters : null,
    stageVariables: null,
    isBase64Encoded: false,
    body: body.length > 0 ? body.toString("utf8") : null,
    requestContext: {
      requestId,
      httpMethod: method.toUpperCase(),
      path: url.pathname,
      resourcePath: route.resource,
      ...(authorizer ? { authorizer } : {}),
    },
  } as unknown as APIGatewayProxyEvent;
}

/** A streaming handler's answer, passed on as it comes; a slow reader slows it, one that leaves closes its stream. */
export async function runStreaming(
  handler: StreamingHandler,
  event: APIGatewayProxyEvent,
  context: Context,
  res: ServerResponse,
): Promise<void> {
  const sink = new ResponseStreamSink(
    (head) => res.writeHead(head.statusCode, head.headers),
    // A slow reader slows the handler; a reader that leaves ends the wait (no drain comes then).
    (chunk) =>
      new Promise<void>((resolve) => {
        if (res.destroyed || res.write(chunk)) return resolve();
        const done = () => {
          res.off("drain", done).off("close", done);
          resolve();
        };
        res.on("drain", done).on("close", done);
      }),
  );
  // The client leaving closes the function's response stream, as Lambda does; the handler cancels its call.
  res.once("close", () => {
    if (!res.writableFinished) sink.destroy();
  });
  await handler(event, sink, context);
  await new Promise<void>((resolve) =>
    sink.writableFinished || sink.destroyed ? resolve() : sink.once("finish", resolve).once("close", resolve),
  );
  if (!res.destroyed) res.end();
}
