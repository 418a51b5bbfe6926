/**
 * Holding a request while a model that scaled to zero wakes: the limits that bound each kind of
 * hold, shared by the handlers (which hold) and the config (which checks the functions can).
 * Measured with stock clients (openai-node, the AI SDK, LangChain, the Agents SDK): Node's fetch
 * (undici) cuts a request after 300 s without response headers and after 300 s without body bytes;
 * a comment line in an event stream keeps it waiting; Retry-After of 59 s is honoured by every
 * client measured, while several ignore 60.
 */

/** A streamed request holds at most this long by default: within Lambda's and API Gateway's 15 minutes. */
export const DEFAULT_WAKE_HOLD_SECONDS = 780;
/** Time a streamed request needs after its hold to answer: the function's timeout must cover both. */
export const ANSWER_AFTER_HOLD_SECONDS = 60;
/** A buffered OpenAI request holds silently, under undici's 300 s wait for response headers. */
export const BUFFERED_HOLD_SECONDS = 240;
/** /<model>/invoke holds within API Gateway's 29 s integration timeout. */
export const INVOKE_HOLD_SECONDS = 25;
/** What a request that could not be held is told: every client measured retries after 59 s. */
export const WAKE_RETRY_AFTER_SECONDS = 59;
/** A held stream gets a comment line this often, so no client or proxy takes it for dead. */
export const HEARTBEAT_SECONDS = 15;
/** A held request tries the model again this often. */
export const RETRY_SECONDS = 10;
/** A container asks SageMaker for a copy at most this often per component. */
export const WAKE_COOLDOWN_SECONDS = 30;
/** Requests held per model at once, across all functions, by default; the next is refused at once. */
export const DEFAULT_HELD_PER_MODEL = 50;

/** Set on the functions of models that scale to zero. */
export const WAKE_HOLD_ENV = "WAKE_HOLD_SECONDS";
export const HELD_PER_MODEL_ENV = "HELD_PER_MODEL";
/** The stage's DynamoDB table: held requests per model (and consumers' budgets, set in BUDGETS). */
export const STATE_TABLE_ENV = "STATE_TABLE";

/** The partition of the stage table that counts held requests, one item per model. */
export const HOLD_PARTITION = "hold";
