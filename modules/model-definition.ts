import type { Construct } from "constructs";
import { Fn } from "cdktf";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SagemakerModel, type SagemakerModelPrimaryContainer } from "@cdktf/provider-aws/lib/sagemaker-model";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import type { CreatedHosting } from "../deployment/resolve";
import { specHash } from "../deployment/sagemaker/model-container";
import { defineExecutionRole } from "./execution-role";

/** An uncompressed S3 prefix, copied as it is to /opt/ml/model. */
const modelDataSourceOf = (prefix: string | undefined) =>
  prefix ? { s3DataSource: [{ s3Uri: prefix, s3DataType: "S3Prefix", compressionType: "None" }] } : undefined;

export interface ModelDefinitionProps {
  readonly hosting: CreatedHosting;
  readonly region: string;
  readonly partition: string;
}

export interface ModelDefinition {
  readonly executionRole: IamRole;
  readonly executionPolicy: IamRolePolicy;
  readonly model: SagemakerModel;
}

/**
 * A model's execution role, its policy and the SageMaker model, created in `scope` itself (a
 * function, not a construct, so the resources keep the addresses they had inside LlmEndpoint).
 */
export function defineModel(scope: Construct, props: ModelDefinitionProps): ModelDefinition {
  const { hosting } = props;
  const { endpointName, container: spec } = hosting;

  const { role: executionRole, policy } = defineExecutionRole(scope, {
    rolePrefix: hosting.rolePrefix,
    rolePath: hosting.rolePath,
    description: `SageMaker execution role for ${endpointName}`,
    policyPrefix: "model-",
    partition: props.partition,
    region: props.region,
    endpointName,
    image: spec.image,
    modelDataUrl: spec.modelDataUrl,
    modelDataPrefix: spec.modelDataPrefix,
    modelPackage: spec.modelPackageName !== undefined,
    dataCapture: hosting.kind === "serverless" ? undefined : hosting.capacity.dataCapture,
  });

  const environment: Record<string, string> = { ...spec.environment };
  // Models are immutable: the name changes with what the model runs, so a replacement
  // (create before destroy) never clashes with the old model's name.
  // A new role path replaces the role, and with it the model (its role is create-only): the name
  // changes with it. The default path stays out, so deployed models keep their names.
  const identity = hosting.rolePath === "/" ? specHash(spec) : specHash(spec, hosting.rolePath);
  let modelName = `${hosting.modelNamePrefix}-${identity}`;
  if (spec.tokenSecretArn) {
    // SageMaker has no secret references in container environments: the token is read
    // when Terraform plans (never from the config file) and is sensitive in plans. No
    // depends_on: a read deferred to apply would leave the model name unknown and force a
    // replacement that collides with the model's own name.
    const token = new DataAwsSecretsmanagerSecretVersion(scope, "hf-token", { secretId: spec.tokenSecretArn });
    environment[spec.tokenVariable] = token.secretString;
    // A rotated token changes the environment too; the hash of it reveals nothing of the token.
    modelName = `${hosting.modelNamePrefix}-${Fn.substr(Fn.nonsensitive(Fn.sha256(Fn.join("", [identity, token.secretString]))), 0, 8)}`;
  }

  const container: SagemakerModelPrimaryContainer = spec.modelPackageName
    ? { modelPackageName: spec.modelPackageName }
    : {
        image: spec.image?.uri,
        modelDataUrl: spec.modelDataUrl,
        modelDataSource: modelDataSourceOf(spec.modelDataPrefix),
        environment,
      };

  const model = new SagemakerModel(scope, "model", {
    name: modelName,
    executionRoleArn: executionRole.arn,
    primaryContainer: container,
    enableNetworkIsolation: spec.networkIsolation,
    dependsOn: [policy],
    lifecycle: { createBeforeDestroy: true },
  });
  return { executionRole, executionPolicy: policy, model };
}
