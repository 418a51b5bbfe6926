import { projectRolePath } from "../names";
import { functionSettingsOf, stagesOf, type Config } from "../../config/schema";
import type { PolicyStatement } from "./iam-policies";
import { resolveStages } from "../resolve";
import { exactNamesOf, type ExactNames } from "./exact-names";

/**
 * IAM for GitHub Actions through OIDC: who may assume the roles (the trust
 * policy) and what each role may do. Plan is read-only plus the state lock;
 * deploy may manage only resources named for this project's stages.
 */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Every pull request of the repository, or only jobs in the plan environment (reviewed) when there is one. */
export const planSubjects = (repository: string, planEnvironment?: string): string[] =>
  planEnvironment ? [`repo:${repository}:environment:${planEnvironment}`] : [`repo:${repository}:pull_request`];

/**
 * A job in a GitHub environment presents the environment, not the branch, in its `sub` claim, so
 * one subject cannot say both. Only the environment is trusted: jobs on main without it cannot
 * assume the role, and the environment's deployment-branch rule (main only) and its reviewers
 * decide which runs reach it. docs/deploy.md says how to set that rule.
 */
export const deploySubjects = (repository: string, environment: string): string[] => [
  `repo:${repository}:environment:${environment}`,
];

export function githubTrustPolicy(providerArn: string, subjects: readonly string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC_HOST}:sub`]: subjects },
        },
      },
    ],
  });
}

export interface CiScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly project: string;
  readonly stages: readonly string[];
  /** The names of the functions, log groups, alarms, topics and key tables the stages create. */
  readonly exact: ExactNames;
  /** State bucket and key prefix, when state is in S3. */
  readonly state?: { readonly bucket: string; readonly keyPrefix: string };
  readonly tokenSecretArns: readonly string[];
  /** Whether the stages have consumers, so the authorizer's key-table secrets. */
  readonly keyTables?: boolean;
  /** Whether models scale to zero, so inference components and endpoint configs made through Cloud Control. */
  readonly components?: boolean;
  /** Whether the stages have a state table: models that scale to zero, or consumers with token budgets. */
  readonly stateTables?: boolean;
  /** Customer managed keys of those secrets (ci.secretKmsKeyArns). */
  readonly secretKmsKeyArns?: readonly string[];
  /** Lambda layer version ARNs the config attaches to functions. */
  readonly layerArns?: readonly string[];
  /** The stage roles' permissions boundary: the deploy role creates and changes roles only under it. */
  readonly boundaryArn?: string;
  /** The custom domain, its certificate and its Route 53 zone, when configured. */
  readonly domain?: { readonly name: string; readonly certificateArn: string; readonly hostedZoneId?: string };
}

/**
 * The stage roles: under the project's IAM path, named for the stages. A role made elsewhere (any
 * other path, which only CreateRole can set) matches no statement, whatever its name.
 */
export const stageRoleArns = (scope: CiScope): string[] =>
  stageNamed(scope, (n) => `arn:${scope.partition}:iam::${scope.account}:role${projectRolePath(scope.project)}${n}`);

/** Resource ARNs named for the stages: <project>-<stage>-*, which the CI roles' own names are not. */
export function stageNamed(scope: CiScope, arn: (name: string) => string): string[] {
  return scope.stages.map((stage) => arn(`${scope.project}-${stage}-*`));
}

const scalesToZero = (config: Config) =>
  config.models.some(
    (m) =>
      m.capacity.kind === "instance" &&
      (m.capacity.placement !== undefined || m.capacity.autoscaling?.minCapacity === 0),
  );

/** What the CI roles may reach, from the config. */
export function ciScope(config: Config, partition: string, account: string): CiScope {
  const functionSettings = [...config.models, ...config.existingEndpoints].map(functionSettingsOf);
  return {
    partition,
    region: config.region,
    account,
    project: config.project,
    stages: stagesOf(config),
    exact: exactNamesOf(resolveStages(config)),
    state: config.state ? { bucket: config.state.bucket, keyPrefix: config.state.keyPrefix } : undefined,
    // Hugging Face tokens and imported consumer keys: both read when Terraform plans.
    tokenSecretArns: [
      ...new Set([
        ...config.models.flatMap((m) =>
          m.source.kind === "huggingFace" && m.source.tokenSecretArn ? [m.source.tokenSecretArn] : [],
        ),
        ...(config.api.consumers ?? []).flatMap((c) => (c.keySecretArn ? [c.keySecretArn] : [])),
      ]),
    ],
    layerArns: [...new Set(functionSettings.flatMap((s) => s?.layers ?? []))],
    secretKmsKeyArns: config.ci?.secretKmsKeyArns ?? [],
    keyTables: (config.api.consumers?.length ?? 0) > 0,
    // Placed models too: they are inference components as well, and wake from zero like the others.
    components: scalesToZero(config),
    stateTables: scalesToZero(config) || (config.api.consumers ?? []).some((c) => c.budget),
    domain: config.api.domain,
  };
}

/** The state objects of the API stage stacks only: not the CI stack's, not the state stack's. */
function stageStateKeys(scope: CiScope, bucket: string): string[] {
  const prefix = scope.state?.keyPrefix ? `${scope.state.keyPrefix}/` : "";
  return scope.stages.map((stage) => `${bucket}/${prefix}${scope.project}-${stage}/*`);
}

export function stateStatements(scope: CiScope, write: boolean): PolicyStatement[] {
  if (!scope.state) return [];
  const bucket = `arn:${scope.partition}:s3:::${scope.state.bucket}`;
  const keys = stageStateKeys(scope, bucket);
  return [
    { Sid: "ListState", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
    write
      ? {
          Sid: "ReadWriteState",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
          Resource: keys,
        }
      : { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: keys },
    // Plans take the S3 lock too (use_lockfile writes <key>.tflock).
    ...(write
      ? []
      : [
          {
            Sid: "LockState",
            Effect: "Allow" as const,
            Action: ["s3:PutObject", "s3:DeleteObject"],
            Resource: keys.map((k) => `${k}.tflock`),
          },
        ]),
  ];
}

export function secretStatements(scope: CiScope): PolicyStatement[] {
  if (scope.tokenSecretArns.length === 0) return [];
  const keys = scope.secretKmsKeyArns ?? [];
  return [
    {
      Sid: "ReadModelTokens",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: [...scope.tokenSecretArns],
    },
    // A secret under a customer managed key is decrypted for Secrets Manager on the caller's behalf.
    ...(keys.length
      ? [
          {
            Sid: "DecryptSecrets",
            Effect: "Allow" as const,
            Action: "kms:Decrypt",
            Resource: [...keys],
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com` } },
          },
        ]
      : []),
  ];
}

/** What only reads: Get, Describe and List calls, and API Gateway's GET. */
const READ_ACTION = /^[a-z0-9-]+:(Get|Describe|List)[A-Za-z]*$|^apigateway:GET$/;

/**
 * Pull-request plans: the reads of the deploy role's own table (what `terraform plan` with refresh
 * reads of the resources the stacks create, on the project's names), the stage states with their
 * locks, and the token secrets. API keys and usage plans are named by generated ids, and reading
 * them reads key values (an API key with its value; a usage plan's keys carry theirs), so the plan
 * role reads only those tagged with the project, as the provider tags every resource, and never the
 * collections (GET /apikeys?includeValues=true lists every key of the account with its value).
 * Replaces AWS's ReadOnlyAccess, which read every bucket, function environment and key value of the account.
 */
export function planRoleStatements(scope: CiScope, deployStatements: readonly PolicyStatement[]): PolicyStatement[] {
  const reads = deployStatements
    .filter((st) => !st.Sid.endsWith("State"))
    .flatMap((st) => {
      // Reading a token under a customer managed key is a decrypt: a plan reads tokens too.
      if (st.Sid === "DecryptSecrets") return [st];
      const actions = [st.Action].flat().filter((a) => READ_ACTION.test(a));
      return actions.length
        ? [{ ...st, Sid: `Plan${st.Sid}`, Action: actions.length === 1 ? actions[0] : actions }]
        : [];
    });
  const keys = (resource: string) => /::\/(apikeys|usageplans)\/\*$/.test(resource);
  const collections = (resource: string) => /::\/(apikeys|usageplans)$/.test(resource);
  const scoped = reads.flatMap((st): PolicyStatement[] => {
    const resources = [st.Resource].flat();
    if (!resources.some(keys)) return [st];
    return [
      { ...st, Resource: resources.filter((r) => !keys(r) && !collections(r)) },
      {
        Sid: "ReadProjectApiKeys",
        Effect: "Allow",
        Action: "apigateway:GET",
        Resource: resources.filter(keys),
        // A usage plan's keys (/usageplans/{id}/keys/...) are matched with the tags of their plan.
        Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
      },
    ];
  });
  return [...stateStatements(scope, false), ...scoped];
}
