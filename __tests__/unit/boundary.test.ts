import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { boundaryProblems, stageBoundaryStatements } from "../../deployment/iam/boundary";
import { MANAGED_POLICY_MAX_CHARS } from "../../reference/aws-limits";
import { policyDocument } from "../../deployment/iam/iam-policies";
import { ROOT, testConfig } from "../helpers/synth";

const ci = { repository: "acme/llm-api", branch: "main", environment: "production" };

describe("the stage boundary's size", () => {
  it("stays well inside AWS's managed-policy limit for the team example", () => {
    const team = loadConfig(join(ROOT, "examples", "team.json"));
    const size = JSON.stringify(policyDocument(stageBoundaryStatements(team, "aws", "123456789012"))).length;
    expect(size).toBeLessThan(MANAGED_POLICY_MAX_CHARS / 2);
    expect(boundaryProblems(team)).toEqual([]);
  });

  it("fails when 60 models with their own images and buckets would pass the limit, naming the field and the fix", () => {
    const models = Array.from({ length: 60 }, (_, i) => ({
      name: `team-${i}`,
      custom: {
        image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/team-model-${i}:1`,
        modelDataUrl: `s3://team-bucket-${i}/model.tar.gz`,
      },
      instance: { type: "ml.g5.xlarge" },
    }));
    const [problem] = boundaryProblems(testConfig({ ci, models } as never));
    expect(problem).toMatch(
      /^ci: the stage roles' permissions boundary would be \d+ characters; AWS allows 6144 in a managed policy \(not raisable\)\. Fix: fewer distinct images, buckets or extra statements per config, or split the stages into configs$/,
    );
    expect(boundaryProblems(testConfig({ models } as never))).toEqual([]);
  });
});

describe("the stage boundary's reads of model data", () => {
  it("lists a model's S3 prefix under that prefix only: the listings keep their conditions, merged or not", () => {
    const config = loadConfig(join(ROOT, "examples", "scale-to-zero.json"));
    const listings = stageBoundaryStatements(config, "aws", "123456789012").filter((s) =>
      s.Sid?.startsWith("ListModelData"),
    );
    expect(listings).toEqual([
      {
        Sid: "ListModelData0",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::idle-free-models",
        Condition: { StringLike: { "s3:prefix": "qwen2.5-14b-instruct/*" } },
      },
    ]);
  });
});
