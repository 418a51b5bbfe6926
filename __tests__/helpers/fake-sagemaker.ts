import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLOUD_CONTROL_SCHEMAS } from "../../reference/cloudformation";
import { GPU_COUNT } from "../../reference/instance-types";
import { tempDir } from "./temp";
import { startStandIn } from "./stand-in";

/**
 * SageMaker's control plane on loopback, for Terraform's real apply: SageMaker's own API, Cloud
 * Control for the two SageMaker types this product creates through it, and IAM for the roles, in one
 * child process (stand-ins/sagemaker-control-plane.js says what each does). Terraform runs
 * synchronously in the test's process, which would block a server there.
 */
export interface SageMakerCall {
  readonly operation: string;
  readonly name?: string;
  readonly [detail: string]: unknown;
}

export interface SageMakerJournal {
  readonly models: Record<string, unknown>;
  readonly configs: Record<string, { ExecutionRoleArn?: string; ProductionVariants: Record<string, any>[] }>;
  readonly endpoints: Record<string, { EndpointConfigName: string; EndpointStatus: string }>;
  readonly components: Record<string, { EndpointName: string; Specification: { ModelName: string }; copies: number }>;
  readonly roles: Record<string, { Path: string; Arn: string }>;
  readonly calls: SageMakerCall[];
}

export interface FakeSageMaker {
  readonly url: string;
  /** Whether the next endpoint updates are rolled back. */
  rollBack(on: boolean): void;
  /** What the stand-in holds now, and every call so far. */
  journal(): SageMakerJournal;
  stop(): Promise<void>;
}

export async function startFakeSageMaker(): Promise<FakeSageMaker> {
  const dir = tempDir("llm-api-sagemaker-");
  const journal = join(dir, "journal.json");
  const rollback = join(dir, "rollback");
  const schemas = join(dir, "schemas.json");
  writeFileSync(schemas, JSON.stringify(CLOUD_CONTROL_SCHEMAS));
  const standIn = await startStandIn(
    { file: join(__dirname, "stand-ins", "sagemaker-control-plane.js") },
    {
      JOURNAL: journal,
      ROLLBACK_FILE: rollback,
      SCHEMAS_FILE: schemas,
      GPUS: JSON.stringify(GPU_COUNT),
    },
  );
  return {
    ...standIn,
    rollBack: (on) => writeFileSync(rollback, on ? "1" : "0"),
    journal: () => JSON.parse(readFileSync(journal, "utf8")) as SageMakerJournal,
  };
}
