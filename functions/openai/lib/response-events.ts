import { HttpError } from "../../lib/errors";
import { callNameOf } from "./responses-tools";
import {
  functionCallItem,
  logprobsOf,
  messageItem,
  outputText,
  responseObject,
  type Logprob,
  type ResponseBase,
  type ResponseUsage,
} from "./responses";

type Json = Record<string, unknown>;

type Emit = (type: string, data: Json) => Promise<void>;

interface OpenCall {
  readonly outputIndex: number;
  readonly id: string;
  readonly callId: string;
  readonly name: string;
  arguments: string;
}

/**
 * The Responses API's stream of events from chat.completion.chunk objects: response.created and
 * response.in_progress, then per output item its added, delta and done events, then
 * response.completed (response.incomplete when the token limit cut it). Every event carries its
 * sequence_number.
 */
export class ResponseEvents {
  private sequence = 0;
  private started = false;
  private readonly output: Json[] = [];
  private text?: { readonly outputIndex: number; readonly id: string; value: string; readonly logprobs: Logprob[] };
  private readonly calls = new Map<number, OpenCall>();
  private finish?: string;

  constructor(
    private readonly base: ResponseBase,
    private readonly write: (text: string) => Promise<void>,
    /** Whether output_text carries log probabilities (include: message.output_text.logprobs). */
    private readonly withLogprobs = false,
  ) {}

  /** One event as SSE text, numbered. */
  private eventText(type: string, data: Json): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...data })}\n\n`;
  }

  private readonly emit: Emit = (type, data) => this.write(this.eventText(type, data));

  private async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const response = responseObject(this.base, "in_progress", []);
    await this.emit("response.created", { response });
    await this.emit("response.in_progress", { response });
  }

  /** Takes the next chat chunk. */
  async chunk(chunk: Record<string, unknown>): Promise<void> {
    await this.start();
    const choice = (
      chunk.choices as
        | { delta?: { content?: unknown; tool_calls?: unknown }; finish_reason?: string | null; logprobs?: unknown }[]
        | undefined
    )?.[0];
    if (!choice) return;
    const content = choice.delta?.content;
    if (typeof content === "string" && content !== "") await this.textDelta(content, logprobsOf(choice));
    const deltas = choice.delta?.tool_calls;
    if (Array.isArray(deltas))
      for (const d of deltas as { index?: number; id?: string; function?: { name?: string; arguments?: string } }[])
        await this.callDelta(d);
    if (choice.finish_reason) this.finish = choice.finish_reason;
  }

  private async textDelta(delta: string, logprobs: Logprob[]): Promise<void> {
    if (!this.text) {
      this.text = { outputIndex: this.output.length, id: `msg_${this.base.id}`, value: "", logprobs: [] };
      this.output.push(messageItem(this.text.id, "", "in_progress"));
      const at = { item_id: this.text.id, output_index: this.text.outputIndex };
      await this.emit("response.output_item.added", {
        output_index: at.output_index,
        item: messageItem(this.text.id, "", "in_progress"),
      });
      await this.emit("response.content_part.added", {
        ...at,
        content_index: 0,
        part: outputText("", this.withLogprobs ? [] : undefined),
      });
    }
    this.text.value += delta;
    if (this.withLogprobs) this.text.logprobs.push(...logprobs);
    const given = this.withLogprobs ? logprobs : [];
    await this.emit("response.output_text.delta", {
      item_id: this.text.id,
      output_index: this.text.outputIndex,
      content_index: 0,
      delta,
      logprobs: given,
    });
  }

  private async callDelta(d: {
    index?: number;
    id?: string;
    function?: { name?: string; arguments?: string };
  }): Promise<void> {
    const index = d.index ?? 0;
    let call = this.calls.get(index);
    if (!call) {
      call = {
        outputIndex: this.output.length,
        id: `fc_${this.base.id}_${index}`,
        callId: d.id ?? `call_${this.base.id}_${index}`,
        name: d.function?.name ?? "",
        arguments: "",
      };
      this.calls.set(index, call);
      const item = functionCallItem(
        call.id,
        { id: call.callId, type: "function", function: { name: call.name, arguments: "" } },
        "in_progress",
        this.base.namespaced,
      );
      this.output.push(item);
      await this.emit("response.output_item.added", { output_index: call.outputIndex, item });
    }
    const delta = d.function?.arguments ?? "";
    if (delta === "") return;
    call.arguments += delta;
    await this.emit("response.function_call_arguments.delta", {
      item_id: call.id,
      output_index: call.outputIndex,
      delta,
    });
  }

  /** Closes every item and the response, with the model's token counts. */
  async complete(usage?: ResponseUsage): Promise<void> {
    await this.start();
    if (!this.finish)
      throw new HttpError(
        502,
        "upstream_error",
        "The model's stream ended before its final chunk: the answer is incomplete.",
      );
    if (this.text) {
      const { id, outputIndex, value } = this.text;
      const logprobs = this.withLogprobs ? this.text.logprobs : undefined;
      const at = { item_id: id, output_index: outputIndex, content_index: 0 };
      await this.emit("response.output_text.done", { ...at, text: value, logprobs: logprobs ?? [] });
      await this.emit("response.content_part.done", { ...at, part: outputText(value, logprobs) });
      this.output[outputIndex] = messageItem(id, value, "completed", logprobs);
      await this.emit("response.output_item.done", { output_index: outputIndex, item: this.output[outputIndex] });
    }
    for (const call of this.calls.values()) {
      await this.emit("response.function_call_arguments.done", {
        item_id: call.id,
        output_index: call.outputIndex,
        name: callNameOf(call.name, this.base.namespaced).name,
        arguments: call.arguments,
      });
      this.output[call.outputIndex] = functionCallItem(
        call.id,
        { id: call.callId, type: "function", function: { name: call.name, arguments: call.arguments } },
        "completed",
        this.base.namespaced,
      );
      await this.emit("response.output_item.done", {
        output_index: call.outputIndex,
        item: this.output[call.outputIndex],
      });
    }
    if (this.output.length === 0) this.output.push(messageItem(`msg_${this.base.id}`, "", "completed"));
    const status = this.finish === "length" ? "incomplete" : "completed";
    await this.emit(`response.${status}`, { response: responseObject(this.base, status, this.output, { usage }) });
  }

  /** The events that end a failed stream: response.failed with the error, then an error event. */
  failureText(error: { readonly message: string; readonly code: string; readonly param: string | null }): string {
    const failed = responseObject(this.base, "failed", this.output, {
      error: { code: error.code, message: error.message },
    });
    return (
      this.eventText("response.failed", { response: failed }) +
      this.eventText("error", { code: error.code, message: error.message, param: error.param })
    );
  }
}
