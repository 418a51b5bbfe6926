import { Construct, type IConstruct } from "constructs";
import type { CreatedHosting, ResolvedModel } from "../deployment/resolve";
import { alarmsFor, type AlarmOptions } from "./alarm-set";
import { createdEndpointAlarms, watchesUpdates } from "../deployment/operations/alarm-specs";
import { DirectIntegrationRole } from "./direct-integration-role";
import { HandlerCode } from "./handler-code";
import { invokerFor, type InvokerFunction } from "./invoker-function";
import { LlmEndpoint } from "./llm-endpoint";
import { ScaleToZeroEndpoint } from "./scale-to-zero-endpoint";
import { PlacedModel } from "./placed-model";
import type { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import type { CloudcontrolapiResource } from "@cdktf/provider-aws/lib/cloudcontrolapi-resource";
import type { RestApiModel } from "./rest-api";

export interface ModelApiProps {
  /** One model as resolve() settled it. */
  readonly model: ResolvedModel;
  /** `aws_partition` of the stack. */
  readonly partition: string;
  readonly region: string;
  /** The built-in handler bundles, shared by every model of the stack. */
  readonly code: { readonly invoke: HandlerCode; readonly stream: HandlerCode };
  /** Where alarms notify. @default - no alarms */
  readonly alarms?: AlarmOptions;
  /** The stage's tags, for resources the provider's default tags do not reach. */
  readonly tags: Readonly<Record<string, string>>;
  /** The stage's shared endpoints by config name, for models placed on them. */
  readonly sharedEndpoints?: Readonly<Record<string, SagemakerEndpoint>>;
}

const MODEL_API = Symbol.for("llm-api.ModelApi");

/**
 * Everything one model adds to a stage: its endpoint (unless adopted) with its alarms, and either
 * its invoke and stream functions or the role of a direct integration. The REST API takes `routes`.
 *
 * The construct groups resources without moving their Terraform addresses (the stack leaves its
 * id out of logical ids), so stages deployed before it existed update in place.
 */
export class ModelApi extends Construct {
  static isModelApi(x: IConstruct): x is ModelApi {
    return (x as unknown as Record<symbol, unknown>)[MODEL_API] === true;
  }

  readonly endpoint?: LlmEndpoint | ScaleToZeroEndpoint;
  /** The model's inference component, if it runs as one. */
  readonly component?: CloudcontrolapiResource;
  readonly functions: readonly InvokerFunction[];
  /** What the REST API needs to route to this model; none for a model served by the shared function only. */
  readonly routes?: RestApiModel;

  constructor(scope: Construct, id: string, props: ModelApiProps) {
    super(scope, id);
    Object.defineProperty(this, MODEL_API, { value: true });
    const { model, partition, region } = props;

    const hosted = model.hosting.kind === "existing" ? {} : hostModel(this, model.name, model.hosting, props);
    this.endpoint = hosted.endpoint;
    this.component = hosted.component;

    const integration = model.integration;
    if (integration.kind === "shared") {
      this.functions = [];
      return;
    }
    if (integration.kind === "direct") {
      const endpointName = model.hosting.endpointName;
      const role = new DirectIntegrationRole(this, `direct-${model.name}`, {
        rolePrefix: integration.rolePrefix,
        rolePath: integration.rolePath,
        partition,
        region,
        endpointName,
        model: model.name,
      });
      this.functions = [];
      this.routes = {
        model: model.name,
        direct: {
          endpointName,
          roleArn: role.role.arn,
          answer: integration.answer,
          customAttributes: model.route.customAttributes,
        },
      };
      return;
    }
    const entry = integration.invoke.entry;
    const invokeCode = entry
      ? new HandlerCode(this, `invoke-code-${model.name}`, { handler: `invoke-${model.name}`, entry })
      : props.code.invoke;
    const components = this.component ? [this.component] : [];
    const invoke = invokerFor(this, integration.invoke, invokeCode, partition, props.alarms, components);
    const stream = invokerFor(this, integration.stream, props.code.stream, partition, props.alarms, components);
    this.functions = [invoke, stream];
    this.routes = {
      model: model.name,
      invokeFunction: invoke.function,
      streamFunction: stream.function,
      requestSchema: integration.requestSchema,
    };
  }
}

interface Hosted {
  readonly endpoint?: LlmEndpoint | ScaleToZeroEndpoint;
  readonly component?: CloudcontrolapiResource;
}

/** The model's endpoint or inference component, per kind of hosting, with its alarms. */
function hostModel(scope: Construct, name: string, hosting: CreatedHosting, props: ModelApiProps): Hosted {
  // Alarms first: the endpoint names its rollback alarms (kept with alarms off too, without actions).
  const created = createdEndpointAlarms(hosting.alarms, watchesUpdates(hosting), props.alarms !== undefined);
  const alarms = created.length > 0 ? alarmsFor(scope, `alarms-${name}`, created, props.alarms ?? {}) : undefined;
  const common = { region: props.region, partition: props.partition, tags: props.tags };
  const id = `model-${name}`;
  switch (hosting.kind) {
    case "instance":
    case "serverless": {
      const rollbackAlarmNames = alarms
        ? hosting.alarms.filter((spec) => spec.rollback).map((spec) => alarms.alarms[spec.id].alarmName)
        : [];
      return { endpoint: new LlmEndpoint(scope, id, { ...common, hosting, rollbackAlarmNames }) };
    }
    case "scale-to-zero": {
      const own = new ScaleToZeroEndpoint(scope, id, { ...common, hosting });
      return { endpoint: own, component: own.component };
    }
    case "placed": {
      const shared = props.sharedEndpoints?.[hosting.sharedEndpoint];
      if (!shared) throw new Error(`model ${name}: no shared endpoint ${hosting.sharedEndpoint} in the stack`);
      return { component: new PlacedModel(scope, id, { ...common, hosting, host: shared }).component };
    }
  }
}
