import type { ResponsesBody } from "../../../contract/responses-request";
import { HttpError } from "../../lib/errors";
import { textOfParts } from "../../../contract/chat-request";
import { modelNameOf, toolChoiceOf, toolPlanOf, type ToolPlan } from "./responses-tools";

/**
 * A Responses API request as a chat request: `instructions` and the `input` items become chat
 * messages, function tools and text.format their chat equivalents. Stateless: the whole
 * conversation comes in `input`; what needs a stored response, conversation or prompt is refused
 * by name. The answer goes back through responses.ts.
 */

const bad = (param: string, message: string) => new HttpError(400, "invalid_request", message, param);
const stateless = (param: string, why: string) =>
  new HttpError(
    400,
    "unsupported_parameter",
    `${param}: ${why} This API keeps no state: send the whole conversation in input.`,
    param,
  );

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What needs state or services kept by OpenAI is refused by name, with why. */
function refuseStateful(body: ResponsesBody): void {
  if (body.previous_response_id !== undefined)
    throw stateless("previous_response_id", "no response is stored to continue from.");
  if (body.conversation !== undefined) throw stateless("conversation", "no conversation is stored.");
  if (body.prompt !== undefined) throw stateless("prompt", "no prompt template is stored.");
  if (body.background !== undefined && body.background !== false)
    throw stateless("background", "a background run needs a stored response to poll.");
}

/**
 * `include` values that ask for nothing stored: encrypted reasoning (stateless clients such as Codex
 * always ask; these models return no reasoning items, so there is nothing to include) and the
 * answer's log probabilities (honoured). The others name built-in tools' output or stored images.
 */
const INCLUDE_NOTHING_STORED = new Set(["reasoning.encrypted_content"]);
export const INCLUDE_LOGPROBS = "message.output_text.logprobs";

/** Whether the answer's log probabilities are asked for; any other include value is refused by name. */
function includesLogprobs(include: unknown): boolean {
  if (include === undefined || include === null) return false;
  if (!Array.isArray(include)) throw bad("include", "include must be a list of strings.");
  for (const [i, value] of include.entries()) {
    if (value === INCLUDE_LOGPROBS || INCLUDE_NOTHING_STORED.has(value as string)) continue;
    throw new HttpError(
      400,
      "unsupported_parameter",
      `include[${i}]: ${JSON.stringify(value)} asks for a built-in tool's output or a stored image, which do not exist here; only "${INCLUDE_LOGPROBS}" and "reasoning.encrypted_content" are taken.`,
      `include[${i}]`,
    );
  }
  return include.includes(INCLUDE_LOGPROBS);
}

/** A content part's text, or an image part in the chat API's shape; other kinds are refused. */
function partOf(part: unknown, at: string): Json {
  const p = isObject(part) ? part : {};
  if ((p.type === "input_text" || p.type === "output_text" || p.type === "text") && typeof p.text === "string")
    return { type: "text", text: p.text };
  if (p.type === "refusal" && typeof p.refusal === "string") return { type: "text", text: p.refusal };
  if (p.type === "input_image") {
    if (typeof p.image_url !== "string")
      throw bad(
        `${at}.image_url`,
        `${at}.image_url must be a data: or https: URL (file_id needs files stored on a server).`,
      );
    return {
      type: "image_url",
      image_url: { url: p.image_url, ...(typeof p.detail === "string" ? { detail: p.detail } : {}) },
    };
  }
  throw bad(
    at,
    `${at} must be a part like {"type": "input_text", "text": "..."} or an input_image; ${String(p.type ?? "this part")} is not taken.`,
  );
}

function contentOf(content: unknown, at: string): string | Json[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw bad(at, `${at} must be a string or a list of content parts.`);
  return content.map((part, j) => partOf(part, `${at}[${j}]`));
}

const ROLES = new Set(["system", "developer", "user", "assistant"]);

/** The conversation of `instructions` and `input` as chat messages. */
export function messagesOf(body: ResponsesBody): Json[] {
  const messages: Json[] = [];
  if (body.instructions) messages.push({ role: "system", content: body.instructions });
  const input: unknown = body.input;
  if (typeof input === "string") return [...messages, { role: "user", content: input }];
  if (!Array.isArray(input) || input.length === 0)
    throw bad("input", "input must be a string or a non-empty list of items.");
  input.forEach((raw: unknown, i) => {
    const at = `input[${i}]`;
    const item = isObject(raw) ? raw : {};
    const type = item.type ?? "message";
    if (type === "message") {
      if (typeof item.role !== "string" || !ROLES.has(item.role))
        throw bad(`${at}.role`, `${at}.role must be one of "system", "developer", "user", "assistant".`);
      messages.push({ role: item.role, content: contentOf(item.content, `${at}.content`) });
    } else if (type === "function_call") {
      if (typeof item.call_id !== "string" || typeof item.name !== "string" || typeof item.arguments !== "string")
        throw bad(at, `${at} (a function_call) needs call_id, name and arguments as strings.`);
      // A namespaced call goes back to the model under the name it called.
      const call = {
        id: item.call_id,
        type: "function",
        function: { name: modelNameOf(item.name, item.namespace), arguments: item.arguments },
      };
      // Calls made in one turn are one assistant message with several tool calls.
      const last = messages.at(-1);
      if (last?.role === "assistant" && Array.isArray(last.tool_calls)) (last.tool_calls as Json[]).push(call);
      else messages.push({ role: "assistant", content: null, tool_calls: [call] });
    } else if (type === "function_call_output") {
      if (typeof item.call_id !== "string")
        throw bad(`${at}.call_id`, `${at}.call_id is required: name the call this output answers.`);
      const output = typeof item.output === "string" ? item.output : contentOf(item.output, `${at}.output`);
      const text = typeof output === "string" ? output : textOfParts(output);
      messages.push({ role: "tool", tool_call_id: item.call_id, content: text });
    } else if (type === "reasoning") {
      // A reasoning item the client passes back (the Agents SDK does): these models take no such turn.
    } else if (type === "item_reference") {
      throw stateless(`${at}.type`, "an item_reference points to a stored item.");
    } else {
      throw bad(
        `${at}.type`,
        `${at}.type ${JSON.stringify(type)} is a built-in tool's item; only messages and function calls run here.`,
      );
    }
  });
  return messages;
}

function responseFormatOf(format: NonNullable<ResponsesBody["text"]>["format"]): Json | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  if (typeof format.name !== "string") throw bad("text.format.name", "text.format.name is required for json_schema.");
  return {
    type: "json_schema",
    json_schema: {
      name: format.name,
      schema: format.schema ?? { type: "object" },
      ...(format.strict != null ? { strict: format.strict } : {}),
    },
  };
}

/** A Responses request as the chat path runs it, and what its answer needs to be given back. */
export interface ResponsesPlan {
  /** The chat request body, checked by the chat path like any other. */
  readonly chat: Json;
  readonly tools: ToolPlan;
  /** The answer carries its log probabilities (include: message.output_text.logprobs). */
  readonly logprobs: boolean;
}

export function planOf(body: ResponsesBody): ResponsesPlan {
  refuseStateful(body);
  const logprobs = includesLogprobs(body.include);
  const chat: Json = { model: body.model, messages: messagesOf(body) };
  const tools = toolPlanOf(body.tools);
  if (tools.tools.length) chat.tools = tools.tools;
  const choice = toolChoiceOf(body.tool_choice);
  if (choice !== undefined) chat.tool_choice = choice;
  if (body.parallel_tool_calls !== undefined) chat.parallel_tool_calls = body.parallel_tool_calls;
  const format = responseFormatOf(body.text?.format);
  if (format) chat.response_format = format;
  if (body.max_output_tokens !== undefined) chat.max_tokens = body.max_output_tokens;
  if (body.temperature !== undefined) chat.temperature = body.temperature;
  if (body.top_p !== undefined) chat.top_p = body.top_p;
  if (logprobs) Object.assign(chat, { logprobs: true, top_logprobs: topLogprobsOf(body.top_logprobs) });
  if (body.stream) chat.stream = true;
  return { chat, tools, logprobs };
}

function topLogprobsOf(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 20)
    throw bad("top_logprobs", "top_logprobs must be an integer from 0 to 20.");
  return value as number;
}
