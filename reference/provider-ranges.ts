/**
 * Ranges the Terraform AWS provider (5.100.0, the one this project pins) validates at plan, for the
 * attributes the config reaches, as written in its source: internal/service/sagemaker/endpoint.go of
 * hashicorp/terraform-provider-aws (ValidateFunc of each attribute). A config value outside them
 * would pass synth and fail the plan; the config schema keeps inside them (a test checks).
 * `configPath` is the field in the config's JSON Schema (schema/llm-api.config.schema.json).
 */
export interface ProviderRange {
  readonly configPath: readonly string[];
  readonly attribute: string;
  readonly min: number;
  readonly max?: number;
}

const deployment = (field: string) => ["models", "items", "deployment", field];

export const PROVIDER_RANGES: readonly ProviderRange[] = [
  {
    configPath: deployment("maxExecutionSeconds"),
    attribute: "aws_sagemaker_endpoint.deployment_config.blue_green_update_policy.maximum_execution_timeout_in_seconds",
    min: 600,
    max: 14400,
  },
  {
    configPath: deployment("terminationWaitSeconds"),
    attribute: "aws_sagemaker_endpoint.deployment_config.blue_green_update_policy.termination_wait_in_seconds",
    min: 0,
    max: 3600,
  },
  {
    configPath: deployment("waitSeconds"),
    attribute:
      "aws_sagemaker_endpoint.deployment_config.blue_green_update_policy.traffic_routing_configuration.wait_interval_in_seconds",
    min: 0,
    max: 3600,
  },
  {
    configPath: deployment("stepPercent"),
    attribute:
      "aws_sagemaker_endpoint.deployment_config.blue_green_update_policy.traffic_routing_configuration.{canary_size,linear_step_size}.value",
    min: 1,
  },
];

/** SageMaker's own rule (developer guide, linear traffic shifting): each linear step is 10-50 % of the fleet. */
export const LINEAR_STEP_PERCENT = { min: 10, max: 50 } as const;
