import { Construct } from "constructs";
import type { CloudcontrolapiResource } from "@cdktf/provider-aws/lib/cloudcontrolapi-resource";
import type { SagemakerEndpoint } from "@cdktf/provider-aws/lib/sagemaker-endpoint";
import type { PlacedHosting } from "../deployment/resolve";
import { defineModel } from "./model-definition";
import { defineComponent } from "./component-resources";

export interface PlacedModelProps {
  readonly hosting: PlacedHosting;
  /** The shared endpoint it runs on. */
  readonly host: SagemakerEndpoint;
  readonly region: string;
  readonly partition: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A model placed on a shared endpoint: its role and SageMaker model, as one inference component with its copies' scaling. */
export class PlacedModel extends Construct {
  /** The model's inference component. */
  readonly component: CloudcontrolapiResource;
  constructor(scope: Construct, id: string, props: PlacedModelProps) {
    super(scope, id);
    const { capacity, component } = props.hosting;
    const { model } = defineModel(this, props);
    this.component = defineComponent(this, {
      component,
      endpoint: props.host,
      modelName: model.name,
      capacity,
      tags: props.tags,
    });
  }
}
