import {
  InvokeEndpointCommand,
  InvokeEndpointWithResponseStreamCommand,
  type ResponseStream,
} from "@aws-sdk/client-sagemaker-runtime";
import { runtime } from "./client";
import { handlerSettings } from "./settings";
import type { ModelRoute } from "../../contract/routes";
import { HttpError, clientClosed, fromSageMakerError } from "./errors";

/** SageMaker ends an InvokeEndpoint call the container has not answered in 60 s; streamed calls may run longer. */
export const INVOKE_ENDPOINT_LIMIT_MS = 60_000;

/** A buffered call: the model's whole answer as text. */
/** An endpoint by name, or a model's route (its endpoint and custom attributes). */
export type Target = string | Pick<ModelRoute, "endpoint" | "customAttributes" | "component">;
/** Where a call goes: the endpoint, and the inference component on it for a model that scales to zero. */
const addressOf = (target: Target) =>
  typeof target === "string"
    ? { EndpointName: target }
    : { EndpointName: target.endpoint, InferenceComponentName: target.component };
const attributesOf = (target: Target) => (typeof target === "string" ? undefined : target.customAttributes);

export async function invokeJson(
  target: Target,
  body: unknown,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<string> {
  const deadline = AbortSignal.timeout(Math.min(timeoutMs, INVOKE_ENDPOINT_LIMIT_MS));
  try {
    const output = await client().send(
      new InvokeEndpointCommand({
        ...addressOf(target),
        ContentType: "application/json",
        Accept: "application/json",
        CustomAttributes: attributesOf(target),
        Body: JSON.stringify(body),
      }),
      { abortSignal: either(deadline, cancel) },
    );
    return Buffer.from(output.Body ?? new Uint8Array()).toString("utf8");
  } catch (err) {
    throw failure(err, deadline, cancel);
  }
}

/** The container's client, or the one a local stack runs its calls with. */
const client = () => handlerSettings().runtime ?? runtime;

const either = (deadline: AbortSignal, cancel?: AbortSignal): AbortSignal =>
  cancel ? AbortSignal.any([deadline, cancel]) : deadline;

/**
 * Why a call failed: the client left (we cancelled it), our own deadline passed (504, whatever the
 * SDK calls the resulting error), or SageMaker and the model said so.
 */
function failure(err: unknown, deadline: AbortSignal, cancel?: AbortSignal): HttpError {
  if (cancel?.aborted) return clientClosed();
  if (deadline.aborted)
    return new HttpError(504, "timeout", "The model did not answer in time.", undefined, { cause: err });
  return fromSageMakerError(err);
}

/**
 * Starts a streamed call. It resolves once SageMaker accepted the call (so a refusal is still an HTTP
 * status), then yields the payload bytes as they come. A model that sends nothing for the first-token
 * timeout, or goes silent for the idle timeout between parts, is cancelled: a 504 `timeout` that says
 * which. Only time spent waiting on the model counts: a slow client is backpressure, not silence.
 */
export async function invokeStream(
  target: Target,
  body: unknown,
  deadline: AbortSignal,
  cancel?: AbortSignal,
): Promise<AsyncIterable<Uint8Array>> {
  const { firstTokenMs, idleMs } = handlerSettings().streamTimeouts;
  const silence = new AbortController();
  const signal = AbortSignal.any([deadline, silence.signal, ...(cancel ? [cancel] : [])]);
  const failed = (err: unknown) =>
    silence.signal.aborted && !cancel?.aborted ? (silence.signal.reason as HttpError) : failure(err, deadline, cancel);
  // unref: a watch left armed (a stream its caller never read) must not keep a process alive.
  const watch = (ms: number, message: string) =>
    setTimeout(() => silence.abort(new HttpError(504, "timeout", message)), ms).unref();
  const waitFirst = () =>
    watch(firstTokenMs, `The model sent no token in ${inSeconds(firstTokenMs)} s; the call was cancelled.`);
  const waitNext = () => watch(idleMs, `The model sent nothing for ${inSeconds(idleMs)} s; the stream was ended.`);
  let timer = waitFirst();
  let output;
  try {
    output = await client().send(streamCommand(target, body), { abortSignal: signal });
  } catch (err) {
    clearTimeout(timer);
    throw failed(err);
  }
  const events = output.Body;
  if (!events) {
    clearTimeout(timer);
    throw new HttpError(502, "upstream_error", "The model endpoint returned no stream.");
  }
  return (async function* () {
    const iterator = events[Symbol.asyncIterator]();
    let first = true;
    try {
      for (;;) {
        const next = await iterator.next();
        clearTimeout(timer);
        if (next.done) return;
        const bytes = payloadOf(next.value);
        if (bytes) {
          first = false;
          yield bytes;
        }
        timer = first ? waitFirst() : waitNext();
      }
    } catch (err) {
      throw failed(err);
    } finally {
      clearTimeout(timer);
      // A consumer that stopped early: the SDK's stream is closed too (its connection goes with the signal).
      void iterator.return?.()?.catch(() => undefined);
    }
  })();
}

const streamCommand = (target: Target, body: unknown) =>
  new InvokeEndpointWithResponseStreamCommand({
    ...addressOf(target),
    ContentType: "application/json",
    Accept: "text/event-stream",
    CustomAttributes: attributesOf(target),
    Body: JSON.stringify(body),
  });

/** An event's bytes; the model's or SageMaker's failure mid-stream, thrown as the SDK names it. */
function payloadOf(event: ResponseStream): Uint8Array | undefined {
  if (event.PayloadPart?.Bytes) return event.PayloadPart.Bytes;
  if (event.ModelStreamError)
    throw Object.assign(new Error(event.ModelStreamError.Message), {
      name: "ModelStreamError",
      ErrorCode: event.ModelStreamError.ErrorCode,
    });
  if (event.InternalStreamFailure)
    throw Object.assign(new Error(event.InternalStreamFailure.Message), { name: "InternalStreamFailure" });
  return undefined;
}

/** A duration for a message: seconds, to a tenth. */
const inSeconds = (ms: number) => Math.round(ms / 100) / 10;
