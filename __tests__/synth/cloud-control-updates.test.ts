import { compare } from "fast-json-patch";
import { loadConfig, parseConfig } from "../../config/load";
import { stagesOf, type Config, type ConfigInput } from "../../config/schema";
import { resolveStage, type Deployment } from "../../deployment/resolve";
import {
  componentEndpointConfigState,
  componentState,
  type ResolvedComponent,
} from "../../deployment/sagemaker/inference-component";
import { specHash } from "../../deployment/sagemaker/model-container";
import { defaultTags } from "../../deployment/tags";
import { CLOUD_CONTROL_SCHEMAS, type CloudControlType } from "../../reference/cloudformation";
import { SHIPPED_CONFIGS } from "../helpers/synth";
import { readFileSync } from "node:fs";

/**
 * The rule that keeps every later apply of a Cloud Control resource possible: Cloud Control applies
 * the provider's JSON patch to what a read of the resource returns, which never holds the schema's
 * write-only properties, and the provider replaces a resource only for a patch on a create-only one.
 * So between any two versions of a config, a resource that keeps its name may be patched only on
 * paths that are neither; everything else must change its name (a new resource, created before the
 * old one goes). This walks every shipped config through the day-2 changes a team makes, with the
 * desired states the modules write (the same functions), and the references in them as the apply
 * fills them in.
 */
type State = { type: CloudControlType; doc: Record<string, unknown> };

const ACCOUNT = "123456789012";

/** Every Cloud Control resource of a stage, by the construct that makes it. */
function desiredStates(deployment: Deployment, tags: Record<string, string>): Map<string, State> {
  const states = new Map<string, State>();
  const roleArn = (prefix: string, path: string) =>
    `arn:aws:iam::${ACCOUNT}:role${path}${prefix}20261207000000000000000001`;
  for (const e of deployment.sharedEndpoints) {
    const doc = componentEndpointConfigState({
      host: e,
      executionRoleArn: roleArn(e.rolePrefix, e.rolePath),
      role: { namePrefix: e.rolePrefix, path: e.rolePath },
      tags,
    });
    states.set(`shared-${e.name}/endpoint-config`, { type: "AWS::SageMaker::EndpointConfig", doc });
  }
  for (const m of deployment.models) {
    const e = m.hosting;
    if (e.kind !== "scale-to-zero" && e.kind !== "placed") continue;
    const component: ResolvedComponent = e.component;
    // The model's name as model-definition.ts writes it (a token's value would only add to the hash).
    const modelName = `${e.modelNamePrefix}-${e.rolePath === "/" ? specHash(e.container) : specHash(e.container, e.rolePath)}`;
    if (e.kind === "scale-to-zero") {
      const doc = componentEndpointConfigState({
        host: e.host,
        executionRoleArn: roleArn(e.rolePrefix, e.rolePath),
        role: { namePrefix: e.rolePrefix, path: e.rolePath },
        tags,
      });
      states.set(`model-${m.name}/endpoint-config`, { type: "AWS::SageMaker::EndpointConfig", doc });
    }
    const doc = componentState({ component, endpointName: e.endpointName, modelName, capacity: e.capacity, tags });
    states.set(`model-${m.name}/component`, { type: "AWS::SageMaker::InferenceComponent", doc });
  }
  return states;
}

const nameOf = ({ type, doc }: State) =>
  String(type === "AWS::SageMaker::EndpointConfig" ? doc.EndpointConfigName : doc.InferenceComponentName);

/** Whether a patch path touches a schema path: the same, or one inside the other. */
const touches = (patchPath: string, schemaPath: string) => {
  const p = `/properties${patchPath}`;
  return p === schemaPath || p.startsWith(`${schemaPath}/`) || schemaPath.startsWith(`${p}/`);
};

/** The patch paths of a resource that keeps its name and may not be patched there. */
function forbiddenPatches(before: State, after: State): string[] {
  if (nameOf(before) !== nameOf(after)) return [];
  const schema = CLOUD_CONTROL_SCHEMAS[after.type] as {
    createOnlyProperties?: string[];
    writeOnlyProperties?: string[];
  };
  const fixed = [...(schema.createOnlyProperties ?? []), ...(schema.writeOnlyProperties ?? [])];
  return compare(before.doc, after.doc)
    .map((op) => op.path)
    .filter((path) => fixed.some((s) => touches(path, s)));
}

type Change = { name: string; config: (c: ConfigInput) => ConfigInput; deployment?: (d: Deployment) => Deployment };

type ModelInput = NonNullable<ConfigInput["models"]>[number];
const eachModel = (c: ConfigInput, f: (m: Record<string, any>) => Record<string, any>): ConfigInput => ({
  ...c,
  models: (c.models ?? []).map((m) => f(m) as ModelInput),
});
const CHANGES: readonly Change[] = [
  {
    name: "a new model version",
    // A Hub revision, or for weights from S3 a new prefix.
    config: (c) =>
      eachModel(c, (m) => {
        if (!m.huggingFace) return m;
        const hf = m.huggingFace;
        return {
          ...m,
          huggingFace: hf.weightsS3Uri
            ? { ...hf, weightsS3Uri: `${hf.weightsS3Uri}v2/` }
            : { ...hf, revision: "abc123" },
        };
      }),
  },
  {
    name: "more memory per copy",
    config: (c) =>
      eachModel(c, (m) =>
        m.placement ? { ...m, placement: { ...m.placement, memoryMb: m.placement.memoryMb * 2 } } : m,
      ),
  },
  {
    name: "another instance type",
    config: (c) =>
      eachModel(c, (m) =>
        m.instance && m.autoscaling?.minCapacity === 0
          ? { ...m, instance: { ...m.instance, type: "ml.g6e.12xlarge" } }
          : m,
      ),
  },
  {
    name: "a higher maximum",
    config: (c) =>
      eachModel(c, (m) =>
        m.autoscaling ? { ...m, autoscaling: { ...m.autoscaling, maxCapacity: m.autoscaling.maxCapacity + 1 } } : m,
      ),
  },
  {
    name: "longer startup timeouts",
    config: (c) =>
      eachModel(c, (m) => ({ ...m, modelDownloadTimeoutSeconds: 1800, startupHealthCheckTimeoutSeconds: 1200 })),
  },
  { name: "alarms turned off", config: (c) => ({ ...c, alarms: { ...c.alarms, enabled: false } }) },
  {
    name: "other alarm thresholds",
    config: (c) => ({ ...c, alarms: { ...c.alarms, endpoint5xxRate: 0.1, modelLatencyP90Ms: 60000 } }),
  },
  { name: "new tags", config: (c) => ({ ...c, tags: { ...c.tags, team: "search" } }) },
  {
    name: "a new execution role path",
    config: (c) => c,
    deployment: (d) => ({
      ...d,
      models: d.models.map((m) =>
        m.hosting.kind === "existing" ? m : { ...m, hosting: { ...m.hosting, rolePath: "/llm-api/moved/" } },
      ),
      sharedEndpoints: d.sharedEndpoints.map((e) => ({ ...e, rolePath: "/llm-api/moved/" })),
    }),
  },
];

describe("day-2 changes to Cloud Control resources", () => {
  const configs = SHIPPED_CONFIGS.map(
    (file) => [file.split("/").pop()!, JSON.parse(readFileSync(file, "utf8")) as ConfigInput] as const,
  );

  it("find the Cloud Control resources of the shipped configs, so the rule below has something to hold for", () => {
    const counts = configs.map(([file, input]) => {
      const config = loadConfigInput(input);
      return [
        file,
        desiredStates(resolveStage(config, stagesOf(config)[0]), defaultTags(config, stagesOf(config)[0])).size,
      ] as const;
    });
    expect(counts.find(([file]) => file === "scale-to-zero.json")![1]).toBe(7);
  });

  describe.each(configs)("%s", (_, input) => {
    it.each(CHANGES.map((c) => [c.name, c] as const))(
      "%s patches no write-only or create-only property of a resource that keeps its name",
      (_name, change) => {
        const before = loadConfigInput(input);
        const after = loadConfigInput(change.config(input));
        for (const stage of stagesOf(before)) {
          const was = desiredStates(resolveStage(before, stage), defaultTags(before, stage));
          const resolved = resolveStage(after, stage);
          const now = desiredStates(
            change.deployment ? change.deployment(resolved) : resolved,
            defaultTags(after, stage),
          );
          const wrong = [...now].flatMap(([key, state]) =>
            was.has(key) ? forbiddenPatches(was.get(key)!, state).map((p) => `${key}: ${p}`) : [],
          );
          expect(wrong).toEqual([]);
        }
      },
    );
  });

  it("would catch a patch on a write-only path, and on a create-only one under the same name", () => {
    const config = loadConfig(SHIPPED_CONFIGS.find((f) => f.endsWith("scale-to-zero.json"))!);
    const states = desiredStates(resolveStage(config, "v1"), {});
    const component = states.get("model-qwen-7b/component")!;
    const withDeploymentConfig = {
      ...component,
      doc: { ...component.doc, DeploymentConfig: { RollingUpdatePolicy: { WaitIntervalInSeconds: 60 } } },
    };
    expect(forbiddenPatches(component, withDeploymentConfig)).toEqual(["/DeploymentConfig"]);
    const moreCopies = { ...component, doc: { ...component.doc, RuntimeConfig: { CopyCount: 2 } } };
    expect(forbiddenPatches(component, moreCopies)).toEqual(["/RuntimeConfig/CopyCount"]);
    const config2 = states.get("model-qwen-7b/endpoint-config")!;
    const sameNameNewRole = {
      ...config2,
      doc: { ...config2.doc, ExecutionRoleArn: "arn:aws:iam::123456789012:role/other" },
    };
    expect(forbiddenPatches(config2, sameNameNewRole)).toEqual(["/ExecutionRoleArn"]);
  });

  it("makes a new model version a new component, of a new name", () => {
    const input = configs.find(([file]) => file === "scale-to-zero.json")![1];
    const was = desiredStates(resolveStage(loadConfigInput(input), "v1"), {});
    const now = desiredStates(resolveStage(loadConfigInput(CHANGES[0].config(input)), "v1"), {});
    const components = [...now.keys()].filter((k) => k.endsWith("/component"));
    expect(components).toHaveLength(4);
    for (const key of components) expect([key, nameOf(now.get(key)!)]).not.toEqual([key, nameOf(was.get(key)!)]);
  });
});

function loadConfigInput(input: ConfigInput): Config {
  return parseConfig(input);
}
