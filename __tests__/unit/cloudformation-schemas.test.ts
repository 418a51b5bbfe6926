import Ajv from "ajv-draft-04";
import { CLOUD_CONTROL_SCHEMAS, CLOUD_CONTROL_TYPES } from "../../reference/cloudformation";
import { serviceSpecSchemas } from "../../bin/service-spec";
import { componentEndpointConfigState, componentState } from "../../deployment/sagemaker/inference-component";
import { resolveStage } from "../../deployment/resolve";
import { loadConfig } from "../../config/load";
import { join } from "node:path";
import { ROOT } from "../helpers/synth";

const ajv = new Ajv({ strict: false, allErrors: true });

describe("CloudFormation schemas of the Cloud Control types", () => {
  it("are what the installed @aws-cdk/aws-service-spec gives (npm run cfn-schemas writes them)", () => {
    expect(serviceSpecSchemas(CLOUD_CONTROL_TYPES)).toEqual(CLOUD_CONTROL_SCHEMAS);
  });

  it("know endpoint configs cannot change in place and components can, but for their name and endpoint", () => {
    expect(CLOUD_CONTROL_SCHEMAS["AWS::SageMaker::EndpointConfig"].createOnlyProperties).toEqual(
      expect.arrayContaining([
        "/properties/ProductionVariants",
        "/properties/ExecutionRoleArn",
        "/properties/EndpointConfigName",
      ]),
    );
    // A component changes in place, but for its name and the endpoint it is on (UpdateInferenceComponent takes neither).
    expect(CLOUD_CONTROL_SCHEMAS["AWS::SageMaker::InferenceComponent"].createOnlyProperties).toEqual([
      "/properties/InferenceComponentName",
      "/properties/EndpointName",
      "/properties/VariantName",
    ]);
    // What a read never returns, from the registry schema: Cloud Control cannot patch it.
    expect(CLOUD_CONTROL_SCHEMAS["AWS::SageMaker::InferenceComponent"].writeOnlyProperties).toEqual([
      "/properties/Specification/Container/Image",
      "/properties/RuntimeConfig/CopyCount",
      "/properties/DeploymentConfig",
    ]);
  });

  describe("accept what synth writes for examples/scale-to-zero.json, and refuse a wrong field", () => {
    const deployment = resolveStage(loadConfig(join(ROOT, "examples", "scale-to-zero.json")), "v1");
    const components = deployment.models.flatMap((m) =>
      m.hosting.kind === "scale-to-zero" || m.hosting.kind === "placed" ? [m.hosting] : [],
    );
    const tags = { Project: "idle-free", Stage: "v1" };

    it.each(components.map((e) => [e.endpointName, e] as const))("%s", (_, endpoint) => {
      const { capacity, component } = endpoint;
      const roleArn = "arn:aws:iam::123456789012:role/idle-free-v1-sm-x";
      const host =
        endpoint.kind === "scale-to-zero"
          ? endpoint.host
          : deployment.sharedEndpoints.find((e) => e.name === endpoint.sharedEndpoint)!;
      const config = componentEndpointConfigState({
        host,
        executionRoleArn: roleArn,
        role: { namePrefix: "idle-free-v1-sm-", path: "/" },
        tags,
      });
      const ic = componentState({
        component,
        endpointName: endpoint.endpointName,
        modelName: "m-0123abcd",
        capacity,
        tags,
      });
      const validConfig = ajv.compile(CLOUD_CONTROL_SCHEMAS["AWS::SageMaker::EndpointConfig"]);
      const validComponent = ajv.compile(CLOUD_CONTROL_SCHEMAS["AWS::SageMaker::InferenceComponent"]);
      expect([validConfig(config), validConfig.errors]).toEqual([true, null]);
      expect([validComponent(ic), validComponent.errors]).toEqual([true, null]);
      expect(validComponent({ ...ic, RuntimeConfig: { Copies: 1 } })).toBe(false);
      expect(validConfig({ ...config, ProductionVariants: [{ InstanceType: capacity.type }] })).toBe(false); // no VariantName
    });
  });

  it("name a new endpoint config when the variant or the execution role's name or path changes, and keep the name otherwise", () => {
    const deployment = resolveStage(loadConfig(join(ROOT, "examples", "scale-to-zero.json")), "v1");
    const hosting = deployment.models.find((m) => m.name === "qwen-7b")!.hosting;
    if (hosting.kind !== "scale-to-zero") throw new Error("not scaling to zero alone");
    const { host } = hosting;
    const role = { namePrefix: "idle-free-v1-qwen-7b-sm-", path: "/" };
    const state = (h: typeof host, arn: string, r = role) =>
      componentEndpointConfigState({ host: h, executionRoleArn: arn, role: r, tags: {} }).EndpointConfigName;
    expect(state(host, "r1")).toBe(state(host, "r2"));
    expect(state({ ...host, instanceType: "ml.g6e.2xlarge" }, "r1")).not.toBe(state(host, "r1"));
    expect(state({ ...host, maxInstances: host.maxInstances + 1 }, "r1")).not.toBe(state(host, "r1"));
    expect(state(host, "r1", { ...role, namePrefix: "idle-free-v1-other-sm-" })).not.toBe(state(host, "r1"));
    expect(state(host, "r1", { ...role, path: "/llm-api/idle-free/" })).not.toBe(state(host, "r1"));
  });
});
