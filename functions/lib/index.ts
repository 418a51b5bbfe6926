/**
 * The helpers a handler of your own (models[].lambda.handler) may build on: the same
 * request parsing, model routing, SageMaker calls and error answers as the built-in ones.
 * Import from here rather than from the files behind it; those may move.
 */
export { HttpError, fromSageMakerError, jsonResponse, toHttpResponse } from "./errors";
export { routeFor, type ModelRoute, type ModelRoutes } from "./models";
export { handlerSettings, type HandlerSettings } from "./settings";
export { CUSTOM_ATTRIBUTES_HEADER, modelFromPath, readJsonBody, requestIdOf, withClientAttributes } from "./request";
export { INVOKE_ENDPOINT_LIMIT_MS, invokeJson, invokeStream } from "./sagemaker";
export { generateBody, parseGenerateResponse, type GenerateRequest } from "./backends/tgi";
export { timeLeftMs } from "./timing";
export { log } from "./log";
export { validateChatRequest, validateGenerateRequest, type CompiledValidator } from "../../contract/validators";
