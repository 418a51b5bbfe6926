import { VOCABULARY } from "../../local/emulator/serving-container";
import { useOpenAiFixture } from "../helpers/openai-fixture";
import { runAiSdk, runModule } from "../helpers/ai-sdk";

// The clients whose default is the Responses API, configured with a base URL and a key only.
const KEY = "responses-clients-key";
const f = useOpenAiFixture(KEY);
const env = () => ({ baseURL: f.server.baseURL, key: KEY });

describe("the AI SDK's createOpenAI provider (the Responses API)", () => {
  it("generates and streams text", async () => {
    const out = await runAiSdk(
      `const generated = await generateText({ model: provider("mistral"), prompt: "Say hello" });
       const streamed = streamText({ model: provider("qwen"), prompt: "Say hello" });
       let text = ""; for await (const t of streamed.textStream) text += t;
       return { generated: generated.text, finish: generated.finishReason, streamed: text, streamedFinish: await streamed.finishReason };`,
      env(),
      "generateText, streamText",
      { openai: true },
    );
    expect(out).toEqual({
      generated: VOCABULARY.join(""),
      finish: "stop",
      streamed: VOCABULARY.join(""),
      streamedFinish: "stop",
    });
    const call = f.rig.emulator.calls.find((c) => c.endpoint === "ep-mistral");
    expect(call?.body.messages).toEqual([{ role: "user", content: "Say hello" }]);
  });

  it("runs a tool loop: the model calls the tool, the SDK runs it, the model answers from its result", async () => {
    const out = await runAiSdk(
      `const ran = [];
       const weather = tool({
         description: "Weather in a city",
         inputSchema: jsonSchema({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
         execute: async ({ city }) => { ran.push(city); return { city, celsius: 21 }; },
       });
       const result = await generateText({ model: provider("qwen"), prompt: "Weather in Paris?", tools: { weather }, stopWhen: stepCountIs(3) });
       return { ran, steps: result.steps.map((s) => s.finishReason), text: result.text };`,
      env(),
      "generateText, tool, jsonSchema, stepCountIs",
      { openai: true },
    );
    expect(out.ran).toEqual(["Paris"]);
    expect(out.steps).toEqual(["tool-calls", "stop"]);
    expect(out.text.length).toBeGreaterThan(0);
  });
});

describe("the OpenAI Agents SDK with its default model (OpenAIResponsesModel, named by OPENAI_DEFAULT_MODEL)", () => {
  it("runs an agent with a function tool to its final output, buffered and streamed", async () => {
    const out = await runModule(
      `import { Agent, run, tool, setTracingDisabled } from "@openai/agents";
       setTracingDisabled(true);
       const ran = [];
       const weather = tool({
         name: "get_weather",
         description: "Weather in a city",
         parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
         strict: true,
         execute: async ({ city }) => { ran.push(city); return "21 degrees"; },
       });
       const agent = new Agent({ name: "Assistant", instructions: "Answer briefly.", tools: [weather] });
       const result = await run(agent, "Weather in Paris?");
       const streamed = await run(new Agent({ name: "Plain", instructions: "Answer briefly." }), "Say hello", { stream: true });
       let text = ""; for await (const t of streamed.toTextStream()) text += t;
       await streamed.completed;
       process.stdout.write(JSON.stringify({ ran, final: result.finalOutput, items: result.newItems.map((i) => i.type), streamed: text }));`,
      {
        OPENAI_BASE_URL: f.server.baseURL,
        OPENAI_API_KEY: KEY,
        OPENAI_DEFAULT_MODEL: "qwen",
        OPENAI_AGENTS_DISABLE_TRACING: "1",
      },
    );
    expect(out.ran).toEqual(["Paris"]);
    expect(out.items).toEqual(["tool_call_item", "tool_call_output_item", "message_output_item"]);
    expect(out.final.length).toBeGreaterThan(0);
    expect(out.streamed).toBe(VOCABULARY.join(""));
  });
});
