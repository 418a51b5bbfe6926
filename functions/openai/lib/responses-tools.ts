import { HttpError } from "../../lib/errors";

/**
 * The tools of a Responses request as the model sees them: function tools as they are, the function
 * tools of a namespace under one name each (`<namespace>__<name>`, mapped back on the way out), and
 * OpenAI's built-in tools left out, by name, because nothing here can run them (tool types from the
 * openai SDK's `Tool` union, openai 6.49).
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Built-in tools left out of what the model sees, and why: clients (Codex) add some by default. */
export const IGNORED_TOOLS: Readonly<Record<string, string>> = {
  web_search: "OpenAI's servers run the search",
  web_search_2025_08_26: "OpenAI's servers run the search",
  web_search_preview: "OpenAI's servers run the search",
  web_search_preview_2025_03_11: "OpenAI's servers run the search",
  file_search: "it searches vector stores kept by OpenAI",
  code_interpreter: "OpenAI's servers run the code",
  image_generation: "OpenAI's servers make the image",
  mcp: "OpenAI's servers call the MCP server",
  tool_search: "OpenAI's servers search the deferred tools",
  programmatic_tool_calling: "OpenAI's servers run the program",
  computer: "its calls are computer_call items with screenshots, which these models do not make",
  computer_use_preview: "its calls are computer_call items with screenshots, which these models do not make",
  local_shell: "its calls are local_shell_call items, which these models do not make",
  shell: "its calls are shell_call items, which these models do not make",
  apply_patch: "its calls are apply_patch_call items, which these models do not make",
  custom: "its calls are free-form custom_tool_call items, which these models do not make",
};

/** Joins a namespace and a function's name into the one name the model sees. */
export const NAMESPACE_SEPARATOR = "__";
const flatName = (namespace: string, name: string) => `${namespace}${NAMESPACE_SEPARATOR}${name}`;

/** A namespaced function, by the name the model calls it. */
export type Namespaced = ReadonlyMap<string, { readonly namespace: string; readonly name: string }>;

export interface ToolPlan {
  /** Chat function tools for the model. */
  readonly tools: Json[];
  /** What was left out: a built-in tool's type, or `custom:<name>` for a named one. */
  readonly ignored: string[];
  readonly namespaced: Namespaced;
}

const unsupported = (param: string, message: string) => new HttpError(400, "unsupported_parameter", message, param);
const bad = (param: string, message: string) => new HttpError(400, "invalid_request", message, param);

function functionOf(tool: Json, at: string, name: string): Json {
  if (typeof tool.name !== "string" || tool.name === "") throw bad(`${at}.name`, `${at}.name is required.`);
  const fn: Json = { name };
  for (const key of ["description", "parameters", "strict"])
    if (tool[key] !== undefined && tool[key] !== null) fn[key] = tool[key];
  return { type: "function", function: fn };
}

const ignoredName = (tool: Json) =>
  typeof tool.name === "string" ? `${String(tool.type)}:${tool.name}` : String(tool.type);

function unknownType(tool: Json, at: string): HttpError {
  return unsupported(
    `${at}.type`,
    `${at}.type ${JSON.stringify(tool.type)} is not a tool type of the Responses API: use "function" or "namespace" (built-in tools such as "web_search" are left out).`,
  );
}

/** The model's tools for a request's `tools`; names must stay unique once namespaces are flattened. */
export function toolPlanOf(tools: readonly unknown[] | null | undefined): ToolPlan {
  const plan = {
    tools: [] as Json[],
    ignored: [] as string[],
    namespaced: new Map<string, { namespace: string; name: string }>(),
  };
  const seen = new Set<string>();
  const add = (fn: Json, at: string) => {
    const name = (fn.function as { name: string }).name;
    if (seen.has(name))
      throw bad(at, `${at}: a second tool the model would see as "${name}"; tool names must be unique.`);
    seen.add(name);
    plan.tools.push(fn);
  };
  (tools ?? []).forEach((raw, i) => {
    const at = `tools[${i}]`;
    const tool = isObject(raw) ? raw : {};
    if (tool.type === "function") return add(functionOf(tool, at, String(tool.name)), at);
    if (tool.type === "namespace") return namespaceTools(tool, at, plan, add);
    if (typeof tool.type === "string" && Object.hasOwn(IGNORED_TOOLS, tool.type))
      return void plan.ignored.push(ignoredName(tool));
    throw unknownType(tool, at);
  });
  return plan;
}

function namespaceTools(
  tool: Json,
  at: string,
  plan: ToolPlan & { namespaced: Map<string, { namespace: string; name: string }> },
  add: (fn: Json, at: string) => void,
) {
  if (typeof tool.name !== "string" || tool.name === "")
    throw bad(`${at}.name`, `${at}.name (the namespace) is required.`);
  if (!Array.isArray(tool.tools)) throw bad(`${at}.tools`, `${at}.tools must list the namespace's function tools.`);
  const namespace = tool.name;
  tool.tools.forEach((raw: unknown, j) => {
    const inner = isObject(raw) ? raw : {};
    const where = `${at}.tools[${j}]`;
    if (inner.type === "custom") return void plan.ignored.push(`custom:${namespace}.${String(inner.name)}`);
    if (inner.type !== "function") throw unknownType(inner, where);
    const fn = functionOf(inner, where, flatName(namespace, String(inner.name)));
    // The namespace's description tells the model what the group is for.
    const said = [tool.description, inner.description].filter((d) => typeof d === "string" && d !== "").join(" ");
    if (said) (fn.function as Json).description = said;
    plan.namespaced.set((fn.function as { name: string }).name, { namespace, name: String(inner.name) });
    add(fn, where);
  });
}

/** The name the model knows a call by: a namespaced call's joined name. */
export const modelNameOf = (name: string, namespace: unknown): string =>
  typeof namespace === "string" && namespace !== "" ? flatName(namespace, name) : name;

/** A call's name and namespace as the Responses API gives them back. */
export function callNameOf(name: string, namespaced: Namespaced | undefined): { name: string; namespace?: string } {
  const known = namespaced?.get(name);
  return known ? { name: known.name, namespace: known.namespace } : { name };
}

/** tool_choice in the chat API's shape; one that asks for a tool left out is refused, saying so. */
export function toolChoiceOf(choice: unknown): unknown {
  if (choice === undefined || choice === null || typeof choice === "string") return choice ?? undefined;
  if (isObject(choice) && choice.type === "function" && typeof choice.name === "string")
    return { type: "function", function: { name: modelNameOf(choice.name, choice.namespace) } };
  if (isObject(choice) && typeof choice.type === "string" && Object.hasOwn(IGNORED_TOOLS, choice.type))
    throw unsupported(
      "tool_choice",
      `tool_choice asks for ${choice.type}, a built-in tool this API leaves out (${IGNORED_TOOLS[choice.type]}); choose a function tool, "auto", "required" or "none".`,
    );
  throw bad("tool_choice", 'tool_choice must be "none", "auto", "required" or {"type": "function", "name": "..."}.');
}
