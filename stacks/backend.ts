import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { Config } from "../config/schema";
import { localStatePath } from "./local-state";

/** Terraform state key of a stack: one per stack and stage. */
export const stateKey = (keyPrefix: string, stackName: string): string => `${keyPrefix ? `${keyPrefix}/` : ""}${stackName}/terraform.tfstate`;

/** The S3 backend with S3-native locking when the config has `state`, else local state beside the project. */
export function useStateBackend(stack: TerraformStack, config: Config, stackName: string): void {
  if (!config.state) {
    new LocalBackend(stack, { path: localStatePath(stackName) });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: config.state.bucket,
    key: stateKey(config.state.keyPrefix, stackName),
    region: config.state.region ?? config.region,
    encrypt: true,
  });
  // cdktf 0.21 has no prop for S3-native locking (Terraform >= 1.10).
  backend.addOverride("use_lockfile", true);
}
