import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { Config } from "../config/schema";
import { ApiGatewayLogRole } from "../modules/api-gateway-log-role";
import { policyDocument, tlsOnlyBucketStatements } from "../deployment/iam/iam-policies";
import { defaultTags } from "../deployment/tags";
import { localStatePath } from "./local-state";

export interface StateStackProps {
  readonly config: Config;
}

/**
 * What exists once per account: the S3 bucket that holds every other stack's
 * Terraform state, and the account-wide API Gateway CloudWatch role that access
 * logs need. It keeps its own state locally (it cannot live in the bucket it
 * creates) and is deployed once, before the stages; no stage stack sets or
 * removes account-wide settings.
 */
export class StateStack extends TerraformStack {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id);
    const { config } = props;
    const region = config.state?.region ?? config.region;
    new AwsProvider(this, "aws", { region, defaultTags: [{ tags: defaultTags(config, "state") }] });
    new LocalBackend(this, { path: localStatePath(id) });

    this.bucket = new S3Bucket(this, "bucket", {
      ...(config.state ? { bucket: config.state.bucket } : { bucketPrefix: `${config.project}-tfstate-` }),
      // Losing this bucket loses every stack's state.
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketPolicy(this, "tls-only", {
      bucket: this.bucket.id,
      policy: JSON.stringify(policyDocument(tlsOnlyBucketStatements(this.bucket.arn))),
      dependsOn: [publicAccess],
    });

    if (config.api.manageAccountLogRole) {
      // API Gateway's account settings are per region: the API's region, wherever the bucket is.
      const api =
        region === config.region
          ? undefined
          : new AwsProvider(this, "aws-api", {
              region: config.region,
              alias: "api",
              defaultTags: [{ tags: defaultTags(config, "state") }],
            });
      new ApiGatewayLogRole(this, "api-log-role", {
        rolePrefix: `${config.project}-apigw-logs-`,
        partition: new DataAwsPartition(this, "partition").partition,
        region: config.region,
        provider: api,
      });
    }

    new TerraformOutput(this, "state_bucket", {
      value: this.bucket.bucket,
      description: "Put this name in the config's state.bucket so the API stacks keep their state here.",
    });
    new TerraformOutput(this, "state_region", { value: region, description: "Region of the state bucket." });
  }
}
