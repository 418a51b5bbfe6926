import { Construct } from "constructs";
import { functionEnvironment } from "../deployment/lambda/function-environment";
import { type ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import {
  assumeRolePolicy,
  invokerPolicyStatements,
  policyDocument,
  type PolicyStatement,
} from "../deployment/iam/iam-policies";
import type { WakeSpec } from "../deployment/lambda/wake";
import type { BudgetSettings } from "../contract/budget";
import { stackAccount } from "./stack-account";
import { functionLogGroupName } from "../deployment/names";
import { LAMBDA_RUNTIME } from "../deployment/lambda/esbuild-options";
import type { HandlerCode } from "./handler-code";
import type { ModelRoute } from "../contract/routes";
import type { HandlerKind, ResolvedFunction } from "../deployment/resolve";
import { alarmsFor, type AlarmOptions } from "./alarm-set";
import { API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS } from "../reference/aws-limits";

export interface InvokerEndpoint {
  /** Configured model name, as clients use it. */
  readonly model: string;
  /** How the handler calls it; route.endpoint is the endpoint name, from which the ARN is built. */
  readonly route: ModelRoute;
}

export interface InvokerFunctionProps {
  readonly functionName: string;
  /** Which handler it runs: the OpenAI function ("openai") finds its model table in its code's files. @default "invoke" */
  readonly handler?: HandlerKind;
  readonly code: HandlerCode;
  /** The only endpoints this function may invoke. */
  readonly endpoints: readonly InvokerEndpoint[];
  readonly rolePrefix: string;
  /** IAM path of its role; a new one replaces the role. @default "/" */
  readonly rolePath?: string;
  /** `aws_partition` and region, for ARNs of endpoints this stack does not manage. */
  readonly partition: string;
  readonly region: string;
  /** @default 512 */
  readonly memorySizeMb?: number;
  /** @default 29 - API Gateway's buffered integration timeout; streamed routes allow up to 900 */
  readonly timeoutSeconds?: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Browser origins the answers may be read from (CORS). @default [] */
  readonly corsOrigins?: readonly string[];
  /** AWS X-Ray tracing. @default false */
  readonly tracing?: boolean;
  /** Concurrent executions reserved (and capped). @default - the account's unreserved pool */
  readonly reservedConcurrency?: number;
  /** More environment, from the config. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Lambda layer version ARNs. @default [] */
  readonly layers?: readonly string[];
  /** IAM statements the config adds. @default [] */
  readonly extraStatements?: readonly PolicyStatement[];
  /**
   * The inference components it calls: a function names a component that exists, so a model moved
   * to another endpoint switches to its new component only once that is up. @default []
   */
  readonly components?: readonly ITerraformDependable[];
  /** Holds requests while its models wake from zero copies. @default - it does not */
  readonly wake?: WakeSpec;
  /** Keeps consumers' token budgets in the stage table. @default - none */
  readonly budgets?: BudgetSettings;
}

/** A Lambda function that calls SageMaker endpoints, with its own role and log group. */
export class InvokerFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: InvokerFunctionProps) {
    super(scope, id);

    // Created here, not by Lambda, so it has a retention and the role needs no logs:CreateLogGroup.
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: functionLogGroupName(props.functionName),
      retentionInDays: props.logRetentionDays ?? 30,
    });

    this.role = new IamRole(this, "role", {
      namePrefix: props.rolePrefix,
      ...(props.rolePath && props.rolePath !== "/" ? { path: props.rolePath } : {}),
      description: `Invoker for ${props.endpoints.map((e) => e.model).join(", ")}`,
      assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com", { ...props, account: stackAccount(this) }),
    });
    // The account, as every ARN of the stack names it: one sts:GetCallerIdentity, known at plan.
    const account = stackAccount(this);
    const policy = new IamRolePolicy(this, "policy", {
      role: this.role.id,
      namePrefix: "invoke-",
      policy: JSON.stringify(
        policyDocument(
          invokerPolicyStatements(props, {
            partition: props.partition,
            region: props.region,
            account,
            logGroupArn: logGroup.arn,
          }),
        ),
      ),
    });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: props.code.entrypoint,
      filename: props.code.filename,
      sourceCodeHash: props.code.sourceCodeHash,
      memorySize: props.memorySizeMb ?? 512,
      timeout: props.timeoutSeconds ?? API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
      reservedConcurrentExecutions: props.reservedConcurrency,
      layers: props.layers?.length ? [...props.layers] : undefined,
      environment: {
        variables: functionEnvironment({
          handler: props.handler ?? "invoke",
          environment: props.environment,
          endpoints: props.endpoints,
          corsOrigins: props.corsOrigins ?? [],
          wake: props.wake,
          budgets: props.budgets,
        }),
      },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      tracingConfig: props.tracing ? { mode: "Active" } : undefined,
      dependsOn: [logGroup, policy, ...(props.components ?? [])],
    });
  }
}

/** A resolved function with its code and, when alarms are on, its alarms beside it. */
export function invokerFor(
  scope: Construct,
  fn: ResolvedFunction,
  code: HandlerCode,
  partition: string,
  alarms?: AlarmOptions,
  components?: readonly ITerraformDependable[],
): InvokerFunction {
  const { id, alarms: specs, ...props } = fn;
  const invoker = new InvokerFunction(scope, id, { ...props, code, partition, components });
  alarmsFor(scope, `alarms-${fn.functionName}`, specs, alarms);
  return invoker;
}
