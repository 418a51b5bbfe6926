/**
 * How long a streamed call waits on the model: for its first bytes (the prompt is read, maybe queued,
 * before the first token) and then between bytes. A model that goes quiet past either is cancelled and
 * the client told (504 before any token, an error event after). The config's defaults, which the
 * functions also assume when the stack sets nothing.
 */
export const DEFAULT_FIRST_TOKEN_TIMEOUT_SECONDS = 120;
export const DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS = 60;

/** Set on the streaming functions only when the config differs from the defaults. */
export const FIRST_TOKEN_TIMEOUT_ENV = "FIRST_TOKEN_TIMEOUT_SECONDS";
export const STREAM_IDLE_TIMEOUT_ENV = "STREAM_IDLE_TIMEOUT_SECONDS";

export interface StreamTimeouts {
  readonly firstTokenMs: number;
  readonly idleMs: number;
}
