import inferenceComponent from "./AWS-SageMaker-InferenceComponent.json";
import endpointConfig from "./AWS-SageMaker-EndpointConfig.json";

/**
 * The CloudFormation types this product manages through Cloud Control (provider 5.100 has no native
 * resource for them), with their schemas as written by `npm run cfn-schemas` from @aws-cdk/aws-service-spec.
 * The provider takes a schema in `schema`; without it, every plan would ask the CloudFormation registry.
 */
export const CLOUD_CONTROL_TYPES = ["AWS::SageMaker::InferenceComponent", "AWS::SageMaker::EndpointConfig"] as const;

export type CloudControlType = (typeof CLOUD_CONTROL_TYPES)[number];

export const CLOUD_CONTROL_SCHEMAS: Readonly<Record<CloudControlType, Record<string, unknown>>> = {
  "AWS::SageMaker::InferenceComponent": inferenceComponent,
  "AWS::SageMaker::EndpointConfig": endpointConfig,
};

export const schemaFileName = (typeName: string): string => `${typeName.replaceAll("::", "-")}.json`;
