import type { AlarmSpec, MetricRef, Thresholds } from "./alarm-specs";

/** Alarms of the API, its functions and its consumers' budgets (the models' own are in alarm-specs.ts). */

/**
 * The API's error rates, and the latency of its buffered routes (given as paths): streamed routes
 * last as long as their generation, so the stage-wide latency would fire on long answers. The
 * per-route metrics exist because the stage enables detailed metrics.
 */
export function apiAlarmSpecs(
  apiName: string,
  stage: string,
  t: Thresholds,
  bufferedPaths: readonly string[],
): AlarmSpec[] {
  const metric = (name: string, stat: string, route?: string): MetricRef => ({
    namespace: "AWS/ApiGateway",
    name,
    dimensions: { ApiName: apiName, Stage: stage, ...(route ? { Resource: route, Method: "POST" } : {}) },
    stat,
    periodSeconds: 60,
  });
  return [
    // The Average of 5XXError and 4XXError is the share of requests that failed.
    {
      id: "api-5xx",
      name: `${apiName}-${stage}-5xx-rate`,
      description: `More than ${t.api5xxRate * 100}% of API requests fail with 5xx.`,
      threshold: t.api5xxRate,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      metric: metric("5XXError", "Average"),
    },
    {
      id: "api-4xx",
      name: `${apiName}-${stage}-4xx-rate`,
      description: `More than ${t.api4xxRate * 100}% of API requests get 4xx: throttling (429), bad keys (403) or bad requests.`,
      threshold: t.api4xxRate,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      metric: metric("4XXError", "Average"),
    },
    ...bufferedPaths.map((path) => {
      const slug = path.replace(/^\//, "").replace(/\//g, "-");
      return {
        id: `api-latency-${slug}`,
        name: `${apiName}-${stage}-${slug}-latency-p90`,
        description: `p90 latency of POST ${path} over ${t.apiLatencyP90Ms} ms: buffered calls are near API Gateway's 29 s limit.`,
        threshold: t.apiLatencyP90Ms,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        metric: metric("Latency", "p90", path),
      };
    }),
  ];
}

export function functionAlarmSpecs(functionName: string, timeoutSeconds: number, t: Thresholds): AlarmSpec[] {
  const metric = (name: string, stat: string): MetricRef => ({
    namespace: "AWS/Lambda",
    name,
    dimensions: { FunctionName: functionName },
    stat,
    periodSeconds: 300,
  });
  return [
    {
      id: "errors",
      name: `${functionName}-errors`,
      description: `${functionName} failed ${t.lambdaErrors}+ times in 5 minutes (errors the handler did not turn into HTTP answers).`,
      threshold: t.lambdaErrors - 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      metric: metric("Errors", "Sum"),
    },
    {
      id: "throttles",
      name: `${functionName}-throttles`,
      description: `${functionName} was throttled: raise the account's Lambda concurrency or reserve some.`,
      threshold: t.lambdaThrottles - 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      metric: metric("Throttles", "Sum"),
    },
    {
      id: "duration",
      name: `${functionName}-duration`,
      description: `${functionName} ran close to its ${timeoutSeconds} s timeout: the model is slow or the timeout too short.`,
      threshold: Math.round(timeoutSeconds * 1000 * t.lambdaDurationRatio),
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      metric: metric("Duration", "Maximum"),
    },
  ];
}

/**
 * A consumer's budget: at 80 % used (the share the functions record after each answer), and once
 * it is spent (a request was refused for it).
 */
export function budgetAlarmSpecs(prefix: string, namespace: string, stage: string, consumer: string): AlarmSpec[] {
  const metric = (name: string, stat: string): MetricRef => ({
    namespace,
    name,
    dimensions: { Stage: stage, Consumer: consumer },
    stat,
    periodSeconds: 300,
  });
  const once = { evaluationPeriods: 1, datapointsToAlarm: 1, atOrAbove: true };
  return [
    {
      id: `budget-80-${consumer}`,
      name: `${prefix}-${consumer}-budget-80`,
      description: `${consumer} has used 80% of its token budget for the period.`,
      threshold: 80,
      metric: metric("BudgetUsed", "Maximum"),
      ...once,
    },
    {
      id: `budget-spent-${consumer}`,
      name: `${prefix}-${consumer}-budget-spent`,
      description: `${consumer}'s token budget is spent: its requests are refused (429 insufficient_quota) until the period resets.`,
      threshold: 1,
      metric: metric("BudgetRefusals", "Sum"),
      ...once,
    },
  ];
}
