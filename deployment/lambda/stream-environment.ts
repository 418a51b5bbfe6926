import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_SECONDS,
  DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS,
  FIRST_TOKEN_TIMEOUT_ENV,
  STREAM_IDLE_TIMEOUT_ENV,
} from "../../contract/stream-timeouts";
import type { Config } from "../../config/schema";

/** The streaming functions' timeouts, set only where the config differs from the functions' defaults. */
export function streamTimeoutEnvironment({
  lambda: { firstTokenTimeoutSeconds: first, streamIdleTimeoutSeconds: idle },
}: Config): Record<string, string> {
  return {
    ...(first === DEFAULT_FIRST_TOKEN_TIMEOUT_SECONDS ? {} : { [FIRST_TOKEN_TIMEOUT_ENV]: String(first) }),
    ...(idle === DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS ? {} : { [STREAM_IDLE_TIMEOUT_ENV]: String(idle) }),
  };
}
