/** The handlers' metrics: the stack names the namespace (the project) and the stage in these variables. */
export const METRICS_NAMESPACE_ENV = "METRICS_NAMESPACE";
export const STAGE_ENV = "STAGE";
