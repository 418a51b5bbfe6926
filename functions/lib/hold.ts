import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpError, clientClosed, modelStarting } from "./errors";
import { holdPlace, type HeldPlace } from "./held";
import { log } from "./log";
import { handlerSettings, wakeSettingsOf, type WakeSettings } from "./settings";
import { wake } from "./wake";
import { write } from "./response-stream";
import type { Target } from "./sagemaker";
import { ANSWER_AFTER_HOLD_SECONDS, HEARTBEAT_SECONDS, RETRY_SECONDS } from "../../contract/wake";

/**
 * Holding a request while its model wakes from zero copies, so the first request after idle gets
 * its answer instead of a 503 its client gives up on. The first refusal asks SageMaker for a copy
 * (wake.ts) and takes a place among the model's held requests (held.ts; none left: 503 at once);
 * then the call is tried again every RETRY_SECONDS until it is accepted or the hold's time is up
 * (503 model_starting, Retry-After 59, or an error event on a stream already open). A stream opens
 * its 200 at the first refusal and sends a comment line every HEARTBEAT_SECONDS. A model that
 * answers the first time pays nothing: no call, no place, no timer.
 */
export interface Hold {
  /** The longest the request may be held. */
  readonly holdMs: number;
  readonly model: string;
  readonly requestId?: string;
  /** Aborted when the client leaves. */
  readonly cancel?: AbortSignal;
  /** Called once, at the first refusal: a stream commits its 200 and says it is waiting. */
  readonly onWaiting?: () => Promise<void>;
  /** Called every HEARTBEAT_SECONDS while held. */
  readonly heartbeat?: (heldMs: number) => Promise<void>;
  /** Where the request's metrics note how long it was held. */
  readonly tally?: { heldMs?: number };
}

const wakeSettings = (): WakeSettings => handlerSettings().wake ?? wakeSettingsOf({});
const isStarting = (err: unknown) => err instanceof HttpError && err.type === "model_starting";

export async function whileWaking<T>(target: Target, hold: Hold | undefined, attempt: () => Promise<T>): Promise<T> {
  const component = typeof target === "string" ? undefined : target.component;
  if (!hold || !component) return attempt();
  const started = Date.now();
  let place: { release(): Promise<void> } | undefined;
  let beat: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      try {
        const result = await attempt();
        if (place)
          log("info", "wake_ready", {
            requestId: hold.requestId,
            model: hold.model,
            component,
            held_ms: Date.now() - started,
          });
        return result;
      } catch (err) {
        if (!isStarting(err)) throw err;
        if (!place) {
          // Too little time left to wait even once: wake the model for the next request, refuse this one now.
          if (hold.holdMs < (wakeSettings().retryMs ?? RETRY_SECONDS * 1000)) {
            await wake(component, hold.requestId);
            throw modelStarting("refused");
          }
          place = (await placeOrUncounted(wakeSettings(), hold)) ?? undefined;
          if (!place) throw modelStarting("busy");
          await wake(component, hold.requestId);
          await hold.onWaiting?.();
          const every = wakeSettings().heartbeatMs ?? HEARTBEAT_SECONDS * 1000;
          if (hold.heartbeat)
            beat = setInterval(() => void hold.heartbeat!(Date.now() - started).catch(() => undefined), every).unref();
        }
        const retryMs = wakeSettings().retryMs ?? RETRY_SECONDS * 1000;
        if (Date.now() - started + retryMs > hold.holdMs) throw modelStarting("timeout");
        try {
          await sleep(retryMs, undefined, { signal: hold.cancel });
        } catch {
          throw clientClosed();
        }
      }
    }
  } finally {
    clearInterval(beat);
    if (place) {
      if (hold.tally) hold.tally.heldMs = Date.now() - started;
      await place.release();
    }
  }
}

/** A place among the held requests; if the table cannot be reached, the request is held uncounted rather than refused. */
async function placeOrUncounted(settings: WakeSettings, hold: Hold): Promise<HeldPlace | null> {
  try {
    return await holdPlace(
      settings.table,
      hold.model,
      settings.heldPerModel,
      hold.holdMs / 1000 + ANSWER_AFTER_HOLD_SECONDS,
    );
  } catch (err) {
    log("warn", "hold count unavailable", { requestId: hold.requestId, model: hold.model, error: (err as Error).name });
    return { release: async () => undefined };
  }
}

/** How long a request may be held: its own limit, and no longer than the function's time leaves for the answer after it. */
export const holdMsWithin = (limitSeconds: number, timeLeftMs: number): number =>
  Math.max(0, Math.min(limitSeconds * 1000, timeLeftMs - ANSWER_AFTER_HOLD_SECONDS * 1000));

/** A streamed request's hold: its 200 goes out at the first refusal, then a comment line every HEARTBEAT_SECONDS. */
export function streamHold(options: Omit<Hold, "onWaiting" | "heartbeat"> & { readonly open: () => Writable }): Hold {
  const { open, ...hold } = options;
  const minutes = (ms: number) =>
    `${Math.floor(ms / 60000)}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, "0")}`;
  return {
    ...hold,
    onWaiting: () =>
      write(open(), `: ${hold.model} is starting (it scaled to zero while idle); this stream waits for it\n\n`),
    heartbeat: (heldMs) => write(open(), `: still starting, ${minutes(heldMs)}\n\n`),
  };
}
