import { createHash } from "node:crypto";

/**
 * Physical names, derived from project, stage and model name so two stages can
 * live in one account. AWS limits lengths; a name that would be too long keeps
 * a readable head and gets a short hash tail so it stays unique.
 */
export function fitName(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  const tail = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, maxLength - tail.length - 1).replace(/-+$/, "")}-${tail}`;
}

export const stateStackName = (project: string): string => `${project}-state`;
export const apiStackName = (project: string, stage: string): string => `${project}-${stage}`;
export const ciStackName = (project: string): string => `${project}-ci`;
/** The stage's secret with the authorizer's key table (salt and key hashes). */
export const keyTableSecretName = (prefix: string): string => `${prefix}-consumer-keys`;

/**
 * The IAM path of every role the project's stacks create. A path is set only by CreateRole, so a
 * deploy role whose role statements all name this path can change or pass no role made elsewhere,
 * whatever its name; and project names, unlike name prefixes, cannot overlap in it.
 */
export const projectRolePath = (project: string): string => `/llm-api/${project}/`;

export function resourceNames(project: string, stage: string) {
  const prefix = `${project}-${stage}`;
  return {
    prefix,
    api: `${prefix}-api`,
    /**
     * Head of SageMaker model names (up to 54 characters); the model appends a hash of what it
     * runs, so a change makes a new model, created before the old one goes, under a name the
     * deploy role can be scoped to.
     */
    modelPrefix: (model: string) => fitName(`${prefix}-${model}`, 54),
    /** SageMaker endpoint names: up to 63 characters. */
    endpoint: (model: string) => fitName(`${prefix}-${model}`, 63),
    /** Lambda function names: up to 64 characters. */
    sharedFunction: (kind: string) => fitName(`${prefix}-${kind}`, 64),
    function: (model: string, kind: string) => fitName(`${prefix}-${model}-${kind}`, 64),
    /** IAM name prefixes: up to 38 characters, Terraform appends 26. */
    rolePrefix: (purpose: string) => `${fitName(`${prefix}-${purpose}`, 37)}-`,
    /** The path of the stage's roles: the project's own (projectRolePath). */
    rolePath: projectRolePath(project),
    usagePlan: `${prefix}-usage`,
    /** A consumer's key and usage plan: API Gateway names up to 1024 characters. */
    consumerKey: (consumer: string) => `${prefix}-${consumer}-key`,
    consumerPlan: (consumer: string) => `${prefix}-${consumer}-usage`,
    apiKey: `${prefix}-default-key`,
    accessLogGroup: `/aws/apigateway/${prefix}-access`,
    /** The topic the stack makes when alarms notify an email. */
    alarmTopic: `${prefix}-alarms`,
  };
}

export type ResourceNames = ReturnType<typeof resourceNames>;

/** A function's log group, which the stack creates (with its retention) before the function. */
export const functionLogGroupName = (functionName: string): string => `/aws/lambda/${functionName}`;

/** The alarm that wakes an inference component at zero copies (CloudWatch alarm names: up to 255 characters). */
export const wakeUpAlarmName = (componentName: string): string => `${componentName}-wake-up`;
