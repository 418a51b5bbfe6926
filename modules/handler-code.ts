import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";
import { bundleHandler, bundleWithData } from "../packaging/bundle";

export interface HandlerCodeProps {
  /** Folder under functions/ holding index.ts, or a name for the bundle of `entry`. */
  readonly handler: string;
  /** Absolute path of a user's own handler file. @default functions/<handler>/index.ts */
  readonly entry?: string;
  /** Files beside index.js in the zip (see functionFiles). @default none */
  readonly files?: Readonly<Record<string, string>>;
}

/** One esbuild bundle of a handler, shared by every function of the stack that runs it. */
export class HandlerCode extends Construct {
  /** Zip path for aws_lambda_function.filename, relative to the synthesised stack. */
  readonly filename: string;
  /** Base64 SHA-256 of the zip; changes exactly when the bundled code changes. */
  readonly sourceCodeHash: string;
  readonly entrypoint = "index.handler";

  constructor(scope: Construct, id: string, props: HandlerCodeProps) {
    super(scope, id);
    const bundle = props.files ? bundleWithData(props.handler, props.files) : bundleHandler(props.handler, props.entry);
    const asset = new TerraformAsset(this, "zip", { path: bundle.zipPath, type: AssetType.FILE });
    this.filename = asset.path;
    this.sourceCodeHash = bundle.sha256;
  }
}
