import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { StateBackend } from "../deployment/deployment";
import { localStatePath } from "./local-state";

/** Terraform state key of a stack: one per stack and stage. */
export const stateKey = (keyPrefix: string, stackName: string): string =>
  `${keyPrefix ? `${keyPrefix}/` : ""}${stackName}/terraform.tfstate`;

/** The S3 backend with S3-native locking when the config has `state`, else local state beside the project. */
export function useStateBackend(stack: TerraformStack, state: StateBackend | undefined, stackName: string): void {
  if (!state) {
    new LocalBackend(stack, { path: localStatePath(stackName) });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: stateKey(state.keyPrefix, stackName),
    region: state.region,
    encrypt: true,
  });
  // cdktf 0.21 has no prop for S3-native locking (Terraform >= 1.10).
  backend.addOverride("use_lockfile", true);
}
