/**
 * The API key a client sent: `Authorization: Bearer <key>`, as OpenAI clients send it, or
 * `x-api-key: <key>`. Header names in any case; the Bearer scheme in any case (RFC 9110).
 */
export function apiKeyOf(headers: Readonly<Record<string, string | undefined>> | null | undefined): string | undefined {
  let bearer: string | undefined;
  let xApiKey: string | undefined;
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === "authorization" && value) bearer = /^bearer\s+(\S+)\s*$/i.exec(value)?.[1];
    else if (lower === "x-api-key" && value) xApiKey = value.trim();
  }
  return bearer ?? (xApiKey || undefined);
}
