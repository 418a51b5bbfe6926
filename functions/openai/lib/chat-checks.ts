import { HttpError } from "../../lib/errors";
import {
  textOfParts,
  type ChatMessage,
  type ChatRequest,
  type ContentPart,
  type ToolChoice,
} from "../../../contract/chat-request";
import type { ModelRoute } from "../../../contract/routes";

const bad = (field: string, message: string) => new HttpError(400, "invalid_request", message, field);

/** Checks what the JSON Schema cannot say: stop words, message turns and tool_choice (readJsonBody refused unknown fields). */
export function checkChatRequest(body: Record<string, unknown>): ChatRequest {
  checkStop(body.stop);
  const messages = (body.messages as Record<string, unknown>[]).map(checkMessage);
  const request = { ...body, messages } as unknown as ChatRequest;
  checkToolChoice(request);
  return request;
}

/** OpenAI's stop: a string, or up to 4 non-empty strings. */
export function checkStop(stop: unknown): asserts stop is string | string[] | undefined {
  const ok =
    stop === undefined ||
    typeof stop === "string" ||
    (Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === "string" && s.length > 0));
  if (!ok) throw bad("stop", "stop must be a string or up to 4 non-empty strings.");
}

function checkMessage(m: Record<string, unknown>, i: number): ChatMessage {
  const at = `messages[${i}]`;
  const calls = Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
  if (m.tool_calls !== undefined && m.role !== "assistant")
    throw bad(`${at}.tool_calls`, `${at}.tool_calls belongs to an assistant turn only.`);
  if (m.role === "tool" && typeof m.tool_call_id !== "string")
    throw bad(`${at}.tool_call_id`, `${at}.tool_call_id is required: name the tool call this result answers.`);
  // An assistant turn that calls tools may have no text.
  if (calls && (m.content === undefined || m.content === null || m.content === ""))
    return { ...m, content: null } as unknown as ChatMessage;
  if (m.content === undefined || m.content === null) throw bad(`${at}.content`, `${at}.content is required.`);
  return { ...m, content: contentOf(m.content, `${at}.content`) } as unknown as ChatMessage;
}

/** An image as a vision model takes it: a base64 data: URL of an image, or an https: URL its server fetches. */
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$/;

function imagePart(part: { image_url?: unknown }, at: string): ContentPart {
  const image =
    typeof part.image_url === "string"
      ? { url: part.image_url }
      : (part.image_url as { url?: unknown; detail?: unknown } | undefined);
  const url = image?.url;
  if (typeof url !== "string" || !(url.startsWith("https://") || DATA_IMAGE.test(url)))
    throw bad(
      `${at}.image_url.url`,
      `${at}.image_url.url must be a base64 data: URL of a PNG, JPEG, GIF or WebP image, or an https: URL.`,
    );
  return {
    type: "image_url",
    image_url: { url, ...(typeof image?.detail === "string" ? { detail: image.detail } : {}) },
  };
}

/**
 * A message's content as OpenAI clients send it: a string, or a list of parts. Text parts are joined
 * with line breaks; with an image among them the parts stay parts (checkBackendSupports then asks
 * whether the model takes images). Audio and files are refused by name.
 */
function contentOf(content: unknown, at: string): string | ContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw bad(at, `${at} must be a string or a list of content parts.`);
  const parts = content.map((part: unknown, j): ContentPart => {
    const p = (part ?? {}) as { type?: unknown; text?: unknown; image_url?: unknown };
    if (p.type === "text" && typeof p.text === "string") return { type: "text", text: p.text };
    if (p.type === "image_url") return imagePart(p, `${at}[${j}]`);
    if (p.type === "input_audio" || p.type === "file")
      throw new HttpError(
        400,
        "unsupported_content",
        `${at}[${j}]: no model here takes ${p.type} parts.`,
        `${at}[${j}]`,
      );
    throw bad(`${at}[${j}]`, `${at}[${j}] must be a part like {"type": "text", "text": "..."}.`);
  });
  return parts.some((p) => p.type === "image_url") ? parts : textOfParts(parts);
}

/** The first image part of the request, as "messages[i].content[j]", with its URL. */
function firstImage(request: ChatRequest): { at: string; url: string } | undefined {
  for (const [i, m] of request.messages.entries()) {
    if (!Array.isArray(m.content)) continue;
    const j = (m.content as readonly ContentPart[]).findIndex((p) => p.type === "image_url");
    if (j >= 0)
      return {
        at: `messages[${i}].content[${j}]`,
        url: (m.content[j] as Extract<ContentPart, { type: "image_url" }>).image_url.url,
      };
  }
  return undefined;
}

function checkToolChoice(request: ChatRequest): void {
  const choice = request.tool_choice as unknown;
  if (choice === undefined) return;
  const named =
    typeof choice === "object" && choice !== null
      ? (choice as { type?: unknown; function?: { name?: unknown } })
      : undefined;
  const valid =
    choice === "none" ||
    choice === "auto" ||
    choice === "required" ||
    (named?.type === "function" && typeof named.function?.name === "string");
  if (!valid)
    throw bad(
      "tool_choice",
      'tool_choice must be "none", "auto", "required" or {"type": "function", "function": {"name": "..."}}.',
    );
  if (choice !== "none" && !request.tools?.length) throw bad("tool_choice", "tool_choice needs tools to choose from.");
  const name = (choice as Exclude<ToolChoice, string>).function?.name;
  if (name !== undefined && !request.tools?.some((t) => t.function.name === name))
    throw bad("tool_choice", `tool_choice names "${name}", which is not among the tools.`);
}

/**
 * Fields a model's backend cannot honour are refused by name rather than silently dropped. `visionModels`
 * names the models that take images, for the refusal of an image to one that does not.
 */
export function checkBackendSupports(
  request: ChatRequest,
  route: ModelRoute,
  model: string,
  visionModels: readonly string[] = [],
): void {
  const refuse = (field: string, why: string) => new HttpError(400, "unsupported_parameter", `${field}: ${why}`, field);
  const image = firstImage(request);
  if (image && !route.vision) {
    const others =
      visionModels.length > 0
        ? `Models that take images here: ${visionModels.slice(0, 10).join(", ")}.`
        : "No model here takes images.";
    throw new HttpError(
      400,
      "unsupported_content",
      `${image.at}: model "${model}" takes text only. ${others}`,
      image.at,
    );
  }
  if (image && route.vision === "data" && image.url.startsWith("https://"))
    throw refuse(
      image.at,
      `model "${model}" takes images as data: URLs only (its server would fetch an https: URL; the config allows that with models[].vision.httpsImages).`,
    );
  const usesTools = (request.tools?.length ?? 0) > 0 || request.messages.some((m) => m.role === "tool" || m.tool_calls);
  if (route.chat === "prompt") {
    const why = `model "${model}" has no chat API here (its conversation is rendered into a prompt), so it cannot honour this. Serve it with TGI or vLLM for`;
    if (usesTools) throw refuse("tools", `${why} tool calls.`);
    if (request.response_format && request.response_format.type !== "text")
      throw refuse("response_format", `${why} JSON mode.`);
    if (request.logprobs) throw refuse("logprobs", `${why} log probabilities.`);
  }
  const auto = request.tool_choice === undefined || request.tool_choice === "auto";
  if (route.server === "lmi" && route.autoTools !== true && (request.tools?.length ?? 0) > 0 && auto) {
    throw refuse(
      "tool_choice",
      `model "${model}" runs vLLM without a tool-call parser, so it cannot choose a tool itself. Name one (tool_choice {"type": "function", ...}) or "required", or deploy it with models[].huggingFace.toolCallParser.`,
    );
  }
}
