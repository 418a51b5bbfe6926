import { DLC_ACCOUNTS, LMI_REGIONS } from "../reference/images";
import { TEI_ACCOUNTS } from "../reference/tei-images";
import { AWS_REGIONS } from "../reference/regions";
import { obj, type Issue } from "./loose";

export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** The region must be one AWS has (as far as this product's tables know), and have the images the models need. */
export function checkRegion(region: string, models: Record<string, unknown>[], issue: Issue): void {
  if (!AWS_REGIONS.has(region)) {
    issue(
      ["region"],
      `"${region}" is not an AWS region. Fix: check the spelling, e.g. "us-east-1" (reference/regions.ts lists the regions this product knows)`,
    );
    return;
  }
  const needsLmi = models.findIndex((m) => m.server === "vllm" && obj(m.huggingFace)?.image === undefined);
  if (needsLmi >= 0 && !LMI_REGIONS.includes(region)) {
    issue(
      ["region"],
      `"${region}" has no Large Model Inference image in this product's table (needed by models[${needsLmi}]). Fix: use one of ${LMI_REGIONS.join(", ")}, or server "tgi"`,
    );
  }
  const needsTei = models.findIndex((m) => m.server === "tei" && obj(m.huggingFace)?.image === undefined);
  if (needsTei >= 0 && !TEI_ACCOUNTS[region]) {
    issue(
      ["region"],
      `"${region}" has no Text Embeddings Inference image in this product's table (needed by models[${needsTei}]). Fix: use one of ${Object.keys(TEI_ACCOUNTS).join(", ")}, or set huggingFace.image`,
    );
  }
  const needsDlc = models.findIndex(
    (m) => m.server !== "tei" && obj(m.huggingFace) && obj(m.huggingFace)?.image === undefined,
  );
  if (needsDlc >= 0 && !DLC_ACCOUNTS[region]) {
    issue(
      ["region"],
      `"${region}" has no Hugging Face serving image in this product's table (needed by models[${needsDlc}]). Fix: use one of ${Object.keys(DLC_ACCOUNTS).join(", ")}, or set huggingFace.image`,
    );
  }
}
