/**
 * Serving images, resolved from tables in code rather than a data source, so
 * synth and plan need no AWS call. Accounts per region are those the SageMaker
 * Python SDK lists for the Hugging Face deep learning containers.
 */

/** Pinned Text Generation Inference release on SageMaker. */
export const TGI_VERSION = "3.3.6";
export const TGI_REPOSITORY = "huggingface-pytorch-tgi-inference";
export const TGI_TAG = "2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04";

/** SageMaker's Large Model Inference container (DJL serving) with vLLM. */
export const LMI_REPOSITORY = "djl-inference";
export const LMI_TAG = "0.36.0-lmi20.0.0-cu128";

/** CPU Hugging Face inference toolkit image: serverless endpoints have no GPU, so TGI cannot run there. */
export const HF_CPU_REPOSITORY = "huggingface-pytorch-inference";
export const HF_CPU_TAG = "2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04";

const DEFAULT_ACCOUNT = "763104351884";

export const DLC_ACCOUNTS: Readonly<Record<string, string>> = Object.freeze({
  "af-south-1": "626614931356",
  "ap-east-1": "871362719292",
  "ap-northeast-1": DEFAULT_ACCOUNT,
  "ap-northeast-2": DEFAULT_ACCOUNT,
  "ap-northeast-3": "364406365360",
  "ap-south-1": DEFAULT_ACCOUNT,
  "ap-south-2": "772153158452",
  "ap-southeast-1": DEFAULT_ACCOUNT,
  "ap-southeast-2": DEFAULT_ACCOUNT,
  "ap-southeast-3": "907027046896",
  "ap-southeast-4": "457447274322",
  "ca-central-1": DEFAULT_ACCOUNT,
  "ca-west-1": "204538143572",
  "cn-north-1": "727897471807",
  "cn-northwest-1": "727897471807",
  "eu-central-1": DEFAULT_ACCOUNT,
  "eu-central-2": "380420809688",
  "eu-north-1": DEFAULT_ACCOUNT,
  "eu-south-1": "692866216735",
  "eu-south-2": "503227376785",
  "eu-west-1": DEFAULT_ACCOUNT,
  "eu-west-2": DEFAULT_ACCOUNT,
  "eu-west-3": DEFAULT_ACCOUNT,
  "il-central-1": "780543022126",
  "me-central-1": "914824155844",
  "me-south-1": "217643126080",
  "sa-east-1": DEFAULT_ACCOUNT,
  "us-east-1": DEFAULT_ACCOUNT,
  "us-east-2": DEFAULT_ACCOUNT,
  "us-gov-east-1": "446045086412",
  "us-gov-west-1": "442386744353",
  "us-west-1": DEFAULT_ACCOUNT,
  "us-west-2": DEFAULT_ACCOUNT,
});

export interface ImageRef {
  readonly uri: string;
  readonly account: string;
  readonly region: string;
  readonly repository: string;
}

export class UnsupportedRegionError extends Error {
  constructor(region: string) {
    super(
      `region "${region}" has no Hugging Face serving image in this product's table. Fix: deploy to one of ${Object.keys(DLC_ACCOUNTS).join(", ")}, or set models[].huggingFace.image`,
    );
    this.name = "UnsupportedRegionError";
  }
}

function dlcImage(region: string, repository: string, tag: string): ImageRef {
  const account = DLC_ACCOUNTS[region];
  if (!account) throw new UnsupportedRegionError(region);
  const domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return { uri: `${account}.dkr.ecr.${region}.${domain}/${repository}:${tag}`, account, region, repository };
}

export const tgiImage = (region: string): ImageRef => dlcImage(region, TGI_REPOSITORY, TGI_TAG);
export const lmiImage = (region: string): ImageRef => dlcImage(region, LMI_REPOSITORY, LMI_TAG);

/** Regions the SageMaker Python SDK lists for the LMI image (a subset of the DLC accounts above). */
export const LMI_REGIONS: readonly string[] = Object.keys(DLC_ACCOUNTS).filter(
  (r) => !["ap-south-2", "ap-southeast-4", "eu-central-2", "eu-south-2"].includes(r),
);
export const hfCpuImage = (region: string): ImageRef => dlcImage(region, HF_CPU_REPOSITORY, HF_CPU_TAG);

/** Splits an ECR image URI into the parts an IAM policy needs. */
export function parseEcrImage(uri: string): ImageRef {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(uri);
  if (!match) throw new Error(`not an ECR image URI: ${uri}`);
  return { uri, account: match[1], region: match[2], repository: match[3] };
}
