import { crc32 } from "node:zlib";

/**
 * AWS event-stream framing, written from the format description: a prelude
 * (total length, headers length, CRC), string headers, the payload, and a CRC of
 * the whole message. The SDK decodes it on the other side.
 */
function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, "utf8");
    const valueBytes = Buffer.from(value, "utf8");
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(7, 1 + nameBytes.length); // 7 = string
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

export function encodeMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  Buffer.from(payload).copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

export const payloadPart = (bytes: Uint8Array): Buffer =>
  encodeMessage({ ":event-type": "PayloadPart", ":content-type": "application/octet-stream", ":message-type": "event" }, bytes);

export const streamException = (type: "ModelStreamError" | "InternalStreamFailure", body: Record<string, string>): Buffer =>
  encodeMessage({ ":exception-type": type, ":content-type": "application/json", ":message-type": "exception" }, Buffer.from(JSON.stringify(body)));
