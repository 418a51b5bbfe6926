import { EventStreamCodec } from "@smithy/core/event-streams";

/**
 * AWS event-stream framing (prelude, headers, payload, CRCs) by the SDK's own codec, the one
 * its decoder on the client side pairs with: InvokeEndpointWithResponseStream's answer as
 * SageMaker sends it.
 */
const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString("utf8"),
  (text) => Buffer.from(text, "utf8"),
);

type Headers = Record<string, string>;

export function encodeMessage(headers: Headers, payload: Uint8Array): Buffer {
  const typed = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, { type: "string" as const, value }]),
  );
  return Buffer.from(codec.encode({ headers: typed, body: payload }));
}

export const payloadPart = (bytes: Uint8Array): Buffer =>
  encodeMessage(
    { ":event-type": "PayloadPart", ":content-type": "application/octet-stream", ":message-type": "event" },
    bytes,
  );

export const streamException = (
  type: "ModelStreamError" | "InternalStreamFailure",
  body: Record<string, string>,
): Buffer =>
  encodeMessage(
    { ":exception-type": type, ":content-type": "application/json", ":message-type": "exception" },
    Buffer.from(JSON.stringify(body)),
  );
