import { Construct, type Node } from "constructs";
import { Aspects, TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { stackAccount } from "../modules/stack-account";
import { PermissionsBoundary } from "../modules/permissions-boundary";
import { boundaryArn } from "../deployment/iam/boundary";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { invokePath } from "../contract/routes";
import { dashboardBody } from "../deployment/operations/dashboard";
import type { Deployment } from "../deployment/resolve";
import { alarmsFor, type AlarmOptions } from "../modules/alarm-set";
import { AlarmTopic } from "../modules/alarm-topic";
import { CustomDomain } from "../modules/custom-domain";
import { HandlerCode } from "../modules/handler-code";

import { invokerFor, type InvokerFunction } from "../modules/invoker-function";
import { ModelApi } from "../modules/model-api";
import { SharedEndpoint } from "../modules/shared-endpoint";
import { ConsumerKeys } from "../modules/consumer-keys";
import { keyTableSecretName } from "../deployment/names";
import { authorizerEnvironment, authorizerFiles, functionFiles } from "../deployment/lambda/function-environment";
import { RestApi } from "../modules/rest-api";
import { useStateBackend } from "./backend";
import { StateTable } from "../modules/state-table";

export interface LlmApiStackProps {
  /** The stage this stack deploys, resolved (resolveStages). */
  readonly deployment: Deployment;
}

/** One stage of the API: a ModelApi per model, the OpenAI-compatible function and the REST API in front of them. */
export class LlmApiStack extends TerraformStack {
  readonly deployment: Deployment;
  readonly models: readonly ModelApi[];
  readonly openai: InvokerFunction;
  readonly authorizer?: InvokerFunction;
  readonly restApi: RestApi;

  constructor(scope: Construct, id: string, props: LlmApiStackProps) {
    super(scope, id);
    const deployment = (this.deployment = props.deployment);
    const { stage, names, region, tags, api } = deployment;

    new AwsProvider(this, "aws", { region, defaultTags: [{ tags: { ...tags } }] });
    useStateBackend(this, deployment.backend, id);
    const partition = new DataAwsPartition(this, "partition").partition;
    // With CI, the deploy role may create roles only under the boundary the CI stack made: every role here carries it.
    if (deployment.bounded) {
      const account = stackAccount(this);
      Aspects.of(this).add(new PermissionsBoundary(boundaryArn(partition, account, deployment.project)));
    }

    const alarms = this.alarmActions(deployment.alarms, names.alarmTopic);

    const code = this.handlerCode(deployment);
    // The table that counts requests held while models wake from zero, before the functions that use it.
    if (deployment.stateTable) new StateTable(this, "state-table", { name: deployment.stateTable });
    // Shared endpoints first: the models placed on them are their inference components.
    const sharedEndpoints = Object.fromEntries(
      deployment.sharedEndpoints.map((e) => [
        e.name,
        new SharedEndpoint(this, `shared-${e.name}`, { endpoint: e, region, partition, tags }).endpoint,
      ]),
    );
    this.models = deployment.models.map(
      (model) => new ModelApi(this, model.name, { model, partition, region, code, alarms, tags, sharedEndpoints }),
    );
    const components = this.models.flatMap((m) => (m.component ? [m.component] : []));
    this.openai = invokerFor(this, deployment.openai, code.openai, partition, alarms, components);
    const { consumerKeys, authorizer } = this.authorize(deployment, code.authorizer, partition, alarms);
    this.authorizer = authorizer;
    this.restApi = new RestApi(this, "rest-api", {
      name: names.api,
      stageName: stage,
      auth: api.auth,
      models: this.models.flatMap((m) => (m.routes ? [m.routes] : [])),
      openaiFunction: this.openai.function,
      authorizerFunction: this.authorizer?.function,
      partition,
      region,
      throttle: api.throttle,
      tracing: deployment.tracing,
      quota: api.quota,
      corsOrigins: api.corsOrigins,
      accessLogGroupName: names.accessLogGroup,
      accessLogRetentionDays: api.accessLogRetentionDays,
      usagePlanName: names.usagePlan,
      apiKeyName: names.apiKey,
      consumers: consumerKeys,
    });
    alarmsFor(this, "alarms-api", deployment.apiAlarms, alarms);
    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: names.prefix,
      dashboardBody: dashboardBody(deployment.dashboard),
    });

    if (api.domain) this.customDomain(api.domain);

    this.outputs(deployment, consumerKeys);
  }

  /** Where alarms notify: a topic the stack makes for an email, or the config's; none with alarms off. */
  private alarmActions(settings: Deployment["alarms"], topicName: string): AlarmOptions | undefined {
    const topicArn = settings.email
      ? new AlarmTopic(this, "alarm-topic", { name: topicName, email: settings.email }).topic.arn
      : settings.topicArn;
    return settings.enabled ? { actions: topicArn ? [topicArn] : undefined } : undefined;
  }

  /** The four handlers' bundles; the OpenAI function's and the authorizer's with their settings files. */
  private handlerCode(deployment: Deployment) {
    return {
      invoke: new HandlerCode(this, "invoke-code", { handler: "invoke" }),
      stream: new HandlerCode(this, "stream-code", { handler: "stream" }),
      openai: new HandlerCode(this, "chat-code", { handler: "openai", files: functionFiles(deployment.openai) }),
      authorizer: new HandlerCode(this, "authorizer-code", {
        handler: "authorizer",
        files: deployment.consumers ? authorizerFiles(deployment.consumers) : undefined,
      }),
    };
  }

  /** With consumers, a key each; the authorizer learns whose key is whose, and which models it may call. */
  private authorize(
    deployment: Deployment,
    code: HandlerCode,
    partition: string,
    alarms: AlarmOptions | undefined,
  ): { consumerKeys?: ConsumerKeys; authorizer?: InvokerFunction } {
    const { names } = deployment;
    const consumerKeys =
      deployment.consumers &&
      new ConsumerKeys(this, "consumer-keys", {
        consumers: deployment.consumers,
        saltKeyName: `${names.prefix}-key-hash-salt`,
        tableSecretName: keyTableSecretName(names.prefix),
      });
    const authorizer = deployment.authorizer && {
      ...deployment.authorizer,
      ...(consumerKeys
        ? {
            environment: {
              ...deployment.authorizer.environment,
              ...authorizerEnvironment(consumerKeys.tableSecretArn),
            },
            extraStatements: [
              ...(deployment.authorizer.extraStatements ?? []),
              {
                Sid: "ReadKeyTable",
                Effect: "Allow" as const,
                Action: "secretsmanager:GetSecretValue",
                Resource: consumerKeys.tableSecretArn,
              },
            ],
          }
        : {}),
    };
    return { consumerKeys, authorizer: authorizer && invokerFor(this, authorizer, code, partition, alarms) };
  }

  private customDomain(domainConfig: NonNullable<Deployment["api"]["domain"]>): void {
    const domain = new CustomDomain(this, "custom-domain", {
      domainName: domainConfig.name,
      certificateArn: domainConfig.certificateArn,
      apiId: this.restApi.api.id,
      stageName: this.restApi.stage.stageName,
      basePath: domainConfig.basePath,
      hostedZoneId: domainConfig.hostedZoneId,
    });
    new TerraformOutput(this, "custom_url", {
      value: domain.url,
      description: "Base URL of the API on its custom domain.",
    });
    // The domain maps to the stage, so the OpenAI routes are at <domain>[/<basePath>]/v1.
    new TerraformOutput(this, "custom_openai_base_url", {
      value: `${domain.url}/v1`,
      description: "baseURL for OpenAI clients on the custom domain.",
    });
  }

  /** What a user reads after apply: the URLs, the endpoint names, the key ids. */
  private outputs(deployment: Deployment, consumerKeys: ConsumerKeys | undefined): void {
    new TerraformOutput(this, "invoke_url", {
      value: this.restApi.stage.invokeUrl,
      description: "Base URL of the API stage.",
    });
    new TerraformOutput(this, "model_urls", {
      value: Object.fromEntries(
        deployment.models.map((m) => [m.name, `${this.restApi.stage.invokeUrl}${invokePath(m.name)}`]),
      ),
      description: "POST {inputs, parameters} here for each model; /stream beside it streams tokens.",
    });
    new TerraformOutput(this, "openai_base_url", {
      value: `${this.restApi.stage.invokeUrl}/v1`,
      // The stage is part of invoke_url: with stage "v1" this ends in /v1/v1, which is right.
      description: "baseURL for OpenAI clients (the key as Authorization: Bearer, or x-api-key).",
    });
    new TerraformOutput(this, "endpoint_names", {
      value: Object.fromEntries(deployment.models.map((m) => [m.name, m.hosting.endpointName])),
      description: "SageMaker endpoint behind each model.",
    });
    if (consumerKeys) {
      new TerraformOutput(this, "api_key_ids", {
        value: Object.fromEntries(consumerKeys.keys.map(({ consumer, key }) => [consumer.name, key.id])),
        description: "Key id per consumer; npm run keys prints the command that reads each key.",
      });
    }
    if (this.restApi.apiKey) {
      new TerraformOutput(this, "api_key_id", {
        value: this.restApi.apiKey.id,
        description: "Read the key with: aws apigateway get-api-key --include-value --api-key <id>",
      });
      new TerraformOutput(this, "api_key_value", {
        value: this.restApi.apiKey.value,
        sensitive: true,
        description: "Send as the x-api-key header.",
      });
    }
  }

  /** ModelApi groups a model's resources but keeps their addresses from before it existed: its id is left out. */
  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    return super.allocateLogicalId({
      scopes: node.scopes.filter((scope) => !ModelApi.isModelApi(scope)),
    } as unknown as Node);
  }
}
