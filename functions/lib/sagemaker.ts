import { InvokeEndpointCommand, InvokeEndpointWithResponseStreamCommand } from "@aws-sdk/client-sagemaker-runtime";
import { runtime } from "./client";
import { HttpError, fromSageMakerError } from "./errors";

/** A buffered call: the model's whole answer as text. */
/** SageMaker ends an InvokeEndpoint call the container has not answered in 60 s; streamed calls may run longer. */
export const INVOKE_ENDPOINT_LIMIT_MS = 60_000;

export async function invokeJson(endpoint: string, body: unknown, timeoutMs: number): Promise<string> {
  const signal = AbortSignal.timeout(Math.min(timeoutMs, INVOKE_ENDPOINT_LIMIT_MS));
  try {
    const output = await runtime.send(
      new InvokeEndpointCommand({ EndpointName: endpoint, ContentType: "application/json", Accept: "application/json", Body: JSON.stringify(body) }),
      { abortSignal: signal },
    );
    return Buffer.from(output.Body ?? new Uint8Array()).toString("utf8");
  } catch (err) {
    throw signal.aborted ? timedOut(err) : fromSageMakerError(err);
  }
}

/** Our own deadline passed: whatever the SDK calls the resulting error, it is a 504. */
const timedOut = (cause: unknown) => new HttpError(504, "timeout", "The model did not answer in time.", undefined, { cause });

/**
 * Starts a streamed call. It resolves once SageMaker accepted the call (so a
 * refusal is still an HTTP status), then yields the payload bytes as they come.
 */
export async function invokeStream(endpoint: string, body: unknown, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
  let output;
  try {
    output = await runtime.send(
      new InvokeEndpointWithResponseStreamCommand({
        EndpointName: endpoint,
        ContentType: "application/json",
        Accept: "text/event-stream",
        Body: JSON.stringify(body),
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    throw signal.aborted ? timedOut(err) : fromSageMakerError(err);
  }
  const events = output.Body;
  if (!events) throw new HttpError(502, "upstream_error", "The model endpoint returned no stream.");
  return (async function* () {
    try {
      for await (const event of events) {
        if (event.PayloadPart?.Bytes) yield event.PayloadPart.Bytes;
        else if (event.ModelStreamError)
          throw Object.assign(new Error(event.ModelStreamError.Message), { name: "ModelStreamError", ErrorCode: event.ModelStreamError.ErrorCode });
        else if (event.InternalStreamFailure) throw Object.assign(new Error(event.InternalStreamFailure.Message), { name: "InternalStreamFailure" });
      }
    } catch (err) {
      throw signal.aborted ? timedOut(err) : fromSageMakerError(err);
    }
  })();
}
