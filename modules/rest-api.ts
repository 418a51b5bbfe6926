import { Construct } from "constructs";
import { Fn } from "cdktf";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { ConsumerKeys } from "./consumer-keys";
import {
  gatewayDocument,
  directInvokeUri,
  streamingInvokeUri,
  type ApiAuth,
  type DirectAnswer,
} from "../deployment/openapi/gateway-document";
import { OPENAI_ROUTES, arnPath, invokePath, streamPath } from "../contract/routes";

export type RestApiModel =
  | {
      readonly model: string;
      /** Buffered handler of POST /<model>/invoke. */
      readonly invokeFunction: LambdaFunction;
      /** Streaming handler of POST /<model>/stream. */
      readonly streamFunction: LambdaFunction;
      /** An own handler's /invoke body schema, or false for none. @default - the generate request */
      readonly requestSchema?: Record<string, unknown> | false;
    }
  | {
      readonly model: string;
      /** API Gateway calls the endpoint itself for /invoke; no /stream. */
      readonly direct: {
        readonly endpointName: string;
        readonly roleArn: string;
        readonly answer: DirectAnswer;
        readonly customAttributes?: string;
      };
    };

export interface RestApiProps {
  readonly name: string;
  readonly stageName: string;
  readonly auth: ApiAuth;
  readonly models: readonly RestApiModel[];
  /** Streaming handler of the OpenAI-compatible routes. */
  readonly openaiFunction: LambdaFunction;
  /** With auth "apiKey": the REQUEST authorizer that reads the key from Bearer or x-api-key. */
  readonly authorizerFunction?: LambdaFunction;
  /** `aws_partition` and region, for the response-streaming integration URIs. */
  readonly partition: string;
  readonly region: string;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** X-Ray tracing on the stage, with the functions'. @default false */
  readonly tracing?: boolean;
  readonly quota?: { readonly limit: number; readonly period: "DAY" | "WEEK" | "MONTH" };
  /** Browser origins allowed by CORS. @default [] */
  readonly corsOrigins?: readonly string[];
  readonly accessLogGroupName: string;
  readonly accessLogRetentionDays: number;
  readonly usagePlanName: string;
  readonly apiKeyName: string;
  /** A usage plan per consumer key, with its own limits, instead of the one default key. @default - one key for all */
  readonly consumers?: ConsumerKeys;
}

/** One field per line of the access log, as JSON. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  responseLength: "$context.responseLength",
  integrationLatency: "$context.integration.latency",
  apiKeyId: "$context.identity.apiKeyId",
  errorType: "$context.error.responseType",
});

/** REST API imported from the generated OpenAPI body, with stage, access logs, keys and throttling. */
export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly apiKey?: ApiGatewayApiKey;

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    const document = documentOf(props);

    this.api = new ApiGatewayRestApi(this, "api", {
      name: props.name,
      body: JSON.stringify(document),
      endpointConfiguration: { types: ["REGIONAL"] },
      putRestApiMode: "overwrite",
      failOnWarnings: true,
    });

    // A body change does not redeploy by itself: redeploy on its hash, new deployment first.
    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.api.id,
      triggers: { redeployment: Fn.sha256(this.api.body) },
      lifecycle: { createBeforeDestroy: true },
    });

    const accessLogs = new CloudwatchLogGroup(this, "access-logs", {
      name: props.accessLogGroupName,
      retentionInDays: props.accessLogRetentionDays,
    });

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName: props.stageName,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      xrayTracingEnabled: props.tracing ?? false,
    });

    new ApiGatewayMethodSettings(this, "method-settings", {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      // With API keys the usage plan throttles each key; a stage-wide limit here would cap all keys
      // together at one key's rate. Without keys, the stage limit is the only throttle.
      settings: {
        metricsEnabled: true,
        ...(props.auth === "apiKey"
          ? {}
          : { throttlingRateLimit: props.throttle.rateLimit, throttlingBurstLimit: props.throttle.burstLimit }),
      },
    });

    this.apiKey = this.keysAndPlans(props);

    this.permissions(props);
  }

  /** A key and usage plan per consumer, or one key for all; none without API keys. */
  private keysAndPlans(props: RestApiProps): ApiGatewayApiKey | undefined {
    if (props.auth === "apiKey" && props.consumers) {
      for (const { consumer, key } of props.consumers.keys) {
        const plan = new ApiGatewayUsagePlan(this, `usage-plan-${consumer.name}`, {
          name: consumer.usagePlanName,
          apiStages: [{ apiId: this.api.id, stage: this.stage.stageName }],
          throttleSettings: { rateLimit: consumer.throttle.rateLimit, burstLimit: consumer.throttle.burstLimit },
          quotaSettings: consumer.quota ? { limit: consumer.quota.limit, period: consumer.quota.period } : undefined,
        });
        new ApiGatewayUsagePlanKey(this, `usage-plan-key-${consumer.name}`, {
          keyId: key.id,
          keyType: "API_KEY",
          usagePlanId: plan.id,
        });
      }
    } else if (props.auth === "apiKey") {
      const plan = new ApiGatewayUsagePlan(this, "usage-plan", {
        name: props.usagePlanName,
        apiStages: [{ apiId: this.api.id, stage: this.stage.stageName }],
        throttleSettings: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
        quotaSettings: props.quota ? { limit: props.quota.limit, period: props.quota.period } : undefined,
      });
      const apiKey = new ApiGatewayApiKey(this, "api-key", { name: props.apiKeyName, enabled: true });
      new ApiGatewayUsagePlanKey(this, "usage-plan-key", {
        keyId: apiKey.id,
        keyType: "API_KEY",
        usagePlanId: plan.id,
      });
      return apiKey;
    }
    return undefined;
  }

  /** Each function may be called by this API only, on its own routes only. */
  private permissions(props: RestApiProps): void {
    const allow = (id: string, fn: LambdaFunction, method: string, path: string) =>
      new LambdaPermission(this, id, {
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.api.executionArn}/*/${method}${path}`,
      });
    for (const m of props.models) {
      if ("direct" in m) continue;
      allow(`invoke-${m.model}`, m.invokeFunction, "POST", invokePath(m.model));
      allow(`stream-${m.model}`, m.streamFunction, "POST", streamPath(m.model));
    }
    for (const r of OPENAI_ROUTES) allow(r.id, props.openaiFunction, r.method, arnPath(r.path));
    if (props.authorizerFunction) {
      new LambdaPermission(this, "authorizer", {
        action: "lambda:InvokeFunction",
        functionName: props.authorizerFunction.functionName,
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.api.executionArn}/authorizers/*`,
      });
    }
  }
}

/** The OpenAPI body the API is imported from: each model's integration, the OpenAI function's routes, the authorizer. */
function documentOf(props: RestApiProps) {
  const streaming = (fn: LambdaFunction) => streamingInvokeUri(props.partition, props.region, fn.arn);
  return gatewayDocument({
    title: props.name,
    auth: props.auth,
    models: props.models.map((m) =>
      "direct" in m
        ? {
            model: m.model,
            invokeUri: directInvokeUri(props.partition, props.region, m.direct.endpointName),
            direct: {
              credentials: m.direct.roleArn,
              answer: m.direct.answer,
              customAttributes: m.direct.customAttributes,
            },
          }
        : {
            model: m.model,
            invokeUri: m.invokeFunction.invokeArn,
            streamUri: streaming(m.streamFunction),
            requestSchema: m.requestSchema,
          },
    ),
    openaiUri: streaming(props.openaiFunction),
    authorizerUri: props.authorizerFunction?.invokeArn,
    corsOrigins: props.corsOrigins,
  });
}
