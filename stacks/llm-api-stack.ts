import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { Config } from "../config/schema";
import { LlmEndpoint } from "../modules/llm-endpoint";
import { HandlerCode } from "../modules/handler-code";
import { InvokerFunction, type InvokerEndpoint, type InvokerFunctionProps } from "../modules/invoker-function";
import { DirectIntegrationRole } from "../modules/direct-integration-role";
import { PROJECT_ROOT } from "../config/paths";
import { resolve } from "node:path";
import { existingEndpointRoute, modelRoute } from "../modules/model-routes";
import { RestApi, type RestApiModel } from "../modules/rest-api";
import { invokePath } from "../modules/openapi";
import { resourceNames } from "../modules/names";
import { defaultTags } from "./tags";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { AlarmSet } from "../modules/alarm-set";
import { AlarmTopic } from "../modules/alarm-topic";
import { apiAlarmSpecs, endpointAlarmSpecs, functionAlarmSpecs, type AlarmSpec } from "../modules/alarm-specs";
import { dashboardBody } from "../modules/dashboard";
import { CustomDomain } from "../modules/custom-domain";
import { useStateBackend } from "./backend";

export interface LlmApiStackProps {
  readonly config: Config;
  /** The stage this stack deploys (one of stagesOf(config)). */
  readonly stage: string;
}

/** One stage of the API: model endpoints, invoker functions and the REST API in front of them. */
export class LlmApiStack extends TerraformStack {
  readonly endpoints: Record<string, LlmEndpoint> = {};
  readonly functions: Record<string, InvokerFunction> = {};
  readonly restApi: RestApi;

  constructor(scope: Construct, id: string, props: LlmApiStackProps) {
    super(scope, id);
    const { config, stage } = props;
    const names = resourceNames(config.project, stage);

    new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags: defaultTags(config, stage) }] });
    useStateBackend(this, config, id);
    const partition = new DataAwsPartition(this, "partition").partition;

    // Alarms first: endpoints name their rollback alarms.
    const alarmsOn = config.alarms.enabled;
    const topicArn = config.alarms.email
      ? new AlarmTopic(this, "alarm-topic", { name: `${names.prefix}-alarms`, email: config.alarms.email }).topic.arn
      : config.alarms.topicArn;
    const actions = topicArn ? [topicArn] : undefined;
    const alarmSet = (id: string, specs: AlarmSpec[]) => (alarmsOn ? new AlarmSet(this, id, { specs, actions }) : undefined);

    for (const model of config.models) {
      const specs = endpointAlarmSpecs(model, names.endpoint(model.name), config.alarms);
      const alarms = alarmSet(`alarms-${model.name}`, specs);
      const rollback = alarms ? specs.filter((spec) => spec.rollback).map((spec) => alarms.alarms[spec.id].alarmName) : [];
      this.endpoints[model.name] = new LlmEndpoint(this, `model-${model.name}`, {
        rollbackAlarmNames: rollback,
        model,
        endpointName: names.endpoint(model.name),
        modelNamePrefix: names.modelPrefix(model.name),
        rolePrefix: names.rolePrefix(`${model.name}-sm`),
        region: config.region,
        partition,
      });
    }

    const code = {
      invoke: new HandlerCode(this, "invoke-code", { handler: "invoke" }),
      stream: new HandlerCode(this, "stream-code", { handler: "stream" }),
      chat: new HandlerCode(this, "chat-code", { handler: "chat" }),
      authorizer: new HandlerCode(this, "authorizer-code", { handler: "authorizer" }),
    };
    const targets: InvokerEndpoint[] = [
      // Endpoint ARNs are built from the names, not read from the endpoint resources: a reference would put
      // the endpoints upstream of the API deployment, whose create_before_destroy Terraform would then force
      // onto everything in between, and the autoscaling order around endpoint updates would be lost.
      ...config.models.map((m) => ({ model: m.name, route: modelRoute(m, names.endpoint(m.name)) })),
      ...config.existingEndpoints.map((e) => ({ model: e.name, route: existingEndpointRoute(e) })),
    ];
    // Physical function names and timeouts, for alarms and the dashboard.
    const functionInfo: { name: string; timeoutSeconds: number }[] = [];
    type Extra = Pick<InvokerFunctionProps, "reservedConcurrency" | "environment" | "layers" | "extraStatements" | "memorySizeMb">;
    const invoker = (
      id: string,
      functionName: string,
      handler: HandlerCode,
      endpoints: InvokerEndpoint[],
      timeoutSeconds: number,
      rolePurpose: string,
      extra: Extra = {},
    ) => {
      functionInfo.push({ name: functionName, timeoutSeconds });
      return new InvokerFunction(this, id, {
        functionName,
        code: handler,
        endpoints,
        rolePrefix: names.rolePrefix(rolePurpose),
        partition,
        region: config.region,
        timeoutSeconds,
        logRetentionDays: config.lambda.logRetentionDays,
        corsOrigins: config.api.corsOrigins,
        tracing: config.lambda.tracing,
        ...extra,
        memorySizeMb: extra.memorySizeMb ?? config.lambda.memorySizeMb,
      });
    };

    const settingsOf = (model: string) => config.models.find((m) => m.name === model)?.lambda ?? config.existingEndpoints.find((e) => e.name === model)?.lambda;
    const models: RestApiModel[] = targets.map((t) => {
      const managed = config.models.find((m) => m.name === t.model);
      if (managed?.integration === "direct") {
        const role = new DirectIntegrationRole(this, `direct-${t.model}`, {
          rolePrefix: names.rolePrefix(`${t.model}-gw`),
          partition,
          region: config.region,
          endpointName: t.route.endpoint,
          model: t.model,
        });
        return { model: t.model, direct: { endpointName: t.route.endpoint, roleArn: role.role.arn, answer: t.route.server === "lmi" ? "object" : "list" } };
      }
      const s = settingsOf(t.model);
      // A user's own /invoke handler, bundled by the same path as the built-in ones.
      const invokeCode = s?.handler
        ? new HandlerCode(this, `invoke-code-${t.model}`, { handler: `invoke-${t.model}`, entry: resolve(PROJECT_ROOT, s.handler) })
        : code.invoke;
      const extra = {
        reservedConcurrency: s?.reservedConcurrency,
        environment: s?.environment,
        layers: s?.layers,
        extraStatements: s?.extraStatements.map((st, i) => ({ ...st, Sid: st.Sid || `Extra${i}` })),
        memorySizeMb: s?.memorySizeMb,
      };
      this.functions[`${t.model}-invoke`] = invoker(
        `invoke-${t.model}`,
        names.function(t.model, "invoke"),
        invokeCode,
        [t],
        s?.timeoutSeconds ?? config.lambda.timeoutSeconds,
        `${t.model}-fn`,
        extra,
      );
      this.functions[`${t.model}-stream`] = invoker(
        `stream-${t.model}`,
        names.function(t.model, "stream"),
        code.stream,
        [t],
        s?.streamTimeoutSeconds ?? config.lambda.streamTimeoutSeconds,
        `${t.model}-st`,
        extra,
      );
      return { model: t.model, invokeFunction: this.functions[`${t.model}-invoke`].function, streamFunction: this.functions[`${t.model}-stream`].function };
    });
    // One OpenAI-compatible function picks the model from the request body, so it may call all of them.
    this.functions.chat = invoker("chat", names.sharedFunction("chat"), code.chat, targets, config.lambda.streamTimeoutSeconds, "chat-fn");
    // Reads the key from Authorization: Bearer (OpenAI clients) or x-api-key; API Gateway checks it.
    if (config.api.auth === "apiKey") {
      this.functions.authorizer = invoker("authorizer", names.sharedFunction("authorizer"), code.authorizer, [], 10, "auth-fn", { memorySizeMb: 256 });
    }

    this.restApi = new RestApi(this, "rest-api", {
      name: names.api,
      stageName: stage,
      auth: config.api.auth,
      models,
      chatFunction: this.functions.chat.function,
      authorizerFunction: this.functions.authorizer?.function,
      partition,
      region: config.region,
      throttle: config.api.throttle,
      tracing: config.lambda.tracing,
      quota: config.api.quota,
      corsOrigins: config.api.corsOrigins,
      accessLogGroupName: names.accessLogGroup,
      accessLogRetentionDays: config.api.accessLogRetentionDays,
      usagePlanName: names.usagePlan,
      apiKeyName: names.apiKey,
    });

    alarmSet(
      "alarms-api",
      apiAlarmSpecs(
        names.api,
        stage,
        config.alarms,
        targets.map((t) => invokePath(t.model)),
      ),
    );
    for (const fn of functionInfo) alarmSet(`alarms-${fn.name}`, functionAlarmSpecs(fn.name, fn.timeoutSeconds, config.alarms));
    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: names.prefix,
      dashboardBody: dashboardBody({
        region: config.region,
        endpoints: [
          ...config.models.map((m) => ({ name: names.endpoint(m.name), instance: m.instance !== undefined })),
          ...config.existingEndpoints.map((e) => ({ name: e.endpointName, instance: true })),
        ],
        apiName: names.api,
        stage,
        functions: functionInfo.map((fn) => fn.name),
      }),
    });

    if (config.api.domain) {
      const domain = new CustomDomain(this, "custom-domain", {
        domainName: config.api.domain.name,
        certificateArn: config.api.domain.certificateArn,
        apiId: this.restApi.api.id,
        stageName: this.restApi.stage.stageName,
        basePath: config.api.domain.basePath,
        hostedZoneId: config.api.domain.hostedZoneId,
      });
      new TerraformOutput(this, "custom_url", { value: domain.url, description: "Base URL of the API on its custom domain." });
    }

    new TerraformOutput(this, "invoke_url", { value: this.restApi.stage.invokeUrl, description: "Base URL of the API stage." });
    new TerraformOutput(this, "model_urls", {
      value: Object.fromEntries(targets.map((t) => [t.model, `${this.restApi.stage.invokeUrl}${invokePath(t.model)}`])),
      description: "POST {inputs, parameters} here for each model; /stream beside it streams tokens.",
    });
    new TerraformOutput(this, "openai_base_url", {
      value: `${this.restApi.stage.invokeUrl}/v1`,
      description: "baseURL for OpenAI clients (send the API key as the x-api-key header).",
    });
    new TerraformOutput(this, "endpoint_names", {
      value: Object.fromEntries(targets.map((t) => [t.model, t.route.endpoint])),
      description: "SageMaker endpoint behind each model.",
    });
    if (this.restApi.apiKey) {
      new TerraformOutput(this, "api_key_id", {
        value: this.restApi.apiKey.id,
        description: "Read the key with: aws apigateway get-api-key --include-value --api-key <id>",
      });
      new TerraformOutput(this, "api_key_value", { value: this.restApi.apiKey.value, sensitive: true, description: "Send as the x-api-key header." });
    }
  }
}
