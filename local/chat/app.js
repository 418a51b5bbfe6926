// Chat page for the LLM API: OpenAI-style streaming chat against this server or a deployed stage.
// The API key lives in sessionStorage only: it is gone when the tab closes.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { history: [], controller: null };

for (const [id, key] of [
  ["base-url", "llm-api.base"],
  ["api-key", "llm-api.key"],
]) {
  $(id).value = sessionStorage.getItem(key) ?? "";
  $(id).addEventListener("change", () => sessionStorage.setItem(key, $(id).value.trim()));
}
for (const id of ["temperature", "top-p"])
  $(id).addEventListener("input", () => ($(`${id}-value`).textContent = $(id).value));

const base = () => ($("base-url").value.trim() || location.origin).replace(/\/+$/, "");
const headers = () => ({ "content-type": "application/json", authorization: `Bearer ${$("api-key").value.trim()}` });
const setError = (text) => ($("error").textContent = text);
const setStatus = (text) => ($("status").textContent = text);

/** What to tell a person for each failure the API reports. */
function explain(status, body) {
  const message = body?.error?.message ?? "";
  switch (status) {
    case 401:
    case 403:
      return `The API key was refused (${status}). Check the key for this stage.`;
    case 404:
      return `Not found (404): ${message || "check the base URL and the model."}`;
    case 429:
      return `Throttled (429): too many requests. Wait a moment and try again.`;
    case 503:
      // A model that scaled to zero, still starting after the request was held as long as it may.
      if (body?.error?.code === "model_starting") return `The model is still starting (503): ${message}`;
      return `The model is not in service (503): it may be starting, updating or scaled in. Try again later.`;
    case 504:
      return `The model did not answer in time (504).`;
    default:
      return `Error ${status}: ${message || "the request failed."}`;
  }
}

async function failure(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return explain(response.status, body);
}

async function connect() {
  setError("");
  try {
    const response = await fetch(`${base()}/v1/models`, { headers: headers() });
    if (!response.ok) return setError(await failure(response));
    const { data } = await response.json();
    $("model").replaceChildren(...data.map((m) => new Option(m.id, m.id)));
    setStatus(`Connected: ${data.length} model${data.length === 1 ? "" : "s"}.`);
  } catch (err) {
    setError(`Cannot reach ${base()}: ${err.message}`);
  }
}

function bubble(role, text) {
  const node = document.createElement("div");
  node.className = `msg ${role}`;
  node.dataset.role = role;
  node.textContent = text;
  $("messages").append(node);
  node.scrollIntoView({ block: "end" });
  return node;
}

/** Reads an SSE body line by line; calls onData with each data payload, onComment with each comment line. */
async function readEvents(body, onData, onComment = () => undefined) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of block.split("\n").filter((l) => l.startsWith(":"))) onComment(line.slice(1).trim());
      const data = block
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (data && onData(data) === false) return;
    }
  }
}

/** m:ss since a time. */
const since = (start) => {
  const seconds = Math.floor((Date.now() - start) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

function ask(signal) {
  return fetch(`${base()}/v1/chat/completions`, {
    method: "POST",
    headers: headers(),
    signal,
    body: JSON.stringify({
      model: $("model").value,
      messages: state.history,
      stream: true,
      temperature: Number($("temperature").value),
      top_p: Math.min(Number($("top-p").value), 0.99),
      max_tokens: Number($("max-tokens").value),
    }),
  });
}

async function send(text) {
  if (!$("model").value) await connect();
  if (!$("model").value) return;
  setError("");
  state.history.push({ role: "user", content: text });
  bubble("user", text);
  const answer = bubble("assistant", "");
  state.controller = new AbortController();
  $("send").disabled = true;
  $("stop").disabled = false;
  setStatus("Generating...");
  let content = "";
  // A model that scaled to zero holds this one request while a copy starts, with comment lines meanwhile: show how long.
  let starting;
  const stopStarting = () => clearInterval(starting);
  try {
    const response = await ask(state.controller.signal);
    if (!response.ok) {
      answer.remove();
      state.history.pop();
      setError(await failure(response));
      setStatus("");
      return;
    }
    setStatus("Generating...");
    const onComment = (text) => {
      if (starting || !/is starting/.test(text)) return;
      const start = Date.now();
      const show = () =>
        setStatus(
          `Starting, ${since(start)}: the model scaled to zero while idle, and this request woke it (that takes minutes).`,
        );
      show();
      starting = setInterval(show, 1000);
    };
    await readEvents(
      response.body,
      (data) => {
        if (starting) {
          stopStarting();
          starting = undefined;
          setStatus("Generating...");
        }
        if (data === "[DONE]") return false;
        const event = JSON.parse(data);
        if (event.error) {
          setError(`The model failed while answering: ${event.error.message}`);
          return false;
        }
        const delta = event.choices?.[0]?.delta?.content;
        if (delta) {
          content += delta;
          answer.textContent = content;
        }
        return true;
      },
      onComment,
    );
    state.history.push({ role: "assistant", content });
    setStatus("Done.");
  } catch (err) {
    if (err.name === "AbortError") {
      answer.classList.add("stopped");
      state.history.push({ role: "assistant", content });
      setStatus("Stopped.");
    } else {
      setError(`Cannot reach ${base()}: ${err.message}`);
      setStatus("");
    }
  } finally {
    stopStarting();
    state.controller = null;
    $("send").disabled = false;
    $("stop").disabled = true;
  }
}

$("connect").addEventListener("click", connect);
$("stop").addEventListener("click", () => state.controller?.abort());
$("clear").addEventListener("click", () => {
  state.history = [];
  $("messages").replaceChildren();
  setStatus("");
  setError("");
});
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("prompt").value.trim();
  if (!text || state.controller) return;
  $("prompt").value = "";
  void send(text);
});
$("prompt").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});
if ($("api-key").value) void connect();
