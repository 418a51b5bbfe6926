import type { IncomingMessage } from "node:http";
import type { JsonObject } from "../../contract/json";

/** What a test may ask of the emulator's models, and what the emulator records of the calls it served. */

export interface Behaviour {
  /** The model answers with this status (SageMaker wraps it as ModelError). */
  readonly modelStatus?: number;
  readonly modelMessage?: string;
  /** SageMaker's own refusals. */
  readonly throttle?: boolean;
  readonly notReady?: boolean;
  readonly unavailable?: boolean;
  /** Wait this long before answering at all. */
  readonly stallMs?: number;
  readonly firstTokenDelayMs?: number;
  readonly tokenDelayMs?: number;
  /** Re-cut the SSE bytes into PayloadParts of this many bytes (splits lines and characters). */
  readonly chunkBytes?: number;
  /** After this many tokens, end the stream with this failure. */
  readonly cutAfterTokens?: number;
  /** "end": the stream just ends, without the model's final event (an answer cut short). */
  readonly cutWith?: "ModelStreamError" | "InternalStreamFailure" | "tgi-error" | "socket" | "end";
  /** Drop the connection before answering anything (a reset before the first byte). */
  readonly reset?: boolean;
  /** Put two bytes that are not UTF-8 inside the first token's text. */
  readonly invalidUtf8?: boolean;
  /** Stream tokens until the caller goes away (a model that never stops). */
  readonly endless?: boolean;
  /**
   * An inference component scaled to zero: calls are refused as SageMaker refuses them (a
   * ValidationError saying there is no capacity) until a copy is "up", `wakeAfterMs` after it was
   * asked for: by UpdateInferenceComponentRuntimeConfig (the handlers' wake), or by the alarm on
   * NoCapacityInvocationFailures, `alarmAfterMs` after the first refused call (default 2 minutes:
   * a one-minute period, then the scaling action).
   */
  readonly zeroCopies?: { readonly wakeAfterMs: number; readonly alarmAfterMs?: number };
}

/** When the backstop alarm starts a copy, after the first refused call, unless told otherwise. */
export const ALARM_WAKE_AFTER_MS = 120_000;

/** A call of SageMaker's control plane that asked for a copy of a component. */
export interface WakeCall {
  readonly component: string;
  /** performance.now() when it came. */
  readonly at: number;
}

/** SageMaker's refusal of a call to an inference component with no copies, as reported by users of it. */
export const NO_CAPACITY_MESSAGE =
  "Inference Component has no capacity to process this request. ApplicationAutoScaling may be in-progress (if configured) or try to increase the capacity by invoking UpdateInferenceComponentRuntimeConfig API.";

/** A streamed call whose caller went away before it ended. */
export interface CancelledCall {
  readonly body: JsonObject;
  /** performance.now() when the emulator saw the connection close. */
  readonly at: number;
  /** Tokens sent before that. */
  readonly tokens: number;
}

/** Calls kept for tests to read: the most recent ones only, so a long local session holds no prompt forever. */
export const RECORDED_CALLS = 100;

export interface RecordedCall {
  readonly endpoint: string;
  readonly stream: boolean;
  readonly body: JsonObject;
  readonly headers: IncomingMessage["headers"];
}
