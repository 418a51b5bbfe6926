// A loopback stand-in of the AWS control planes a stage's SageMaker resources go through, for
// Terraform's real apply (the provider's `endpoints` override points SageMaker, Cloud Control and
// IAM here):
// - SageMaker's JSON 1.1 protocol (X-Amz-Target: SageMaker.<Operation>): models, endpoint configs and
//   endpoints, each described back as it was created. While the rollback file holds "1", an endpoint
//   update reports Updating and then InService on the config it had before (a rolled-back update).
// - Cloud Control's JSON 1.0 protocol (CloudApiService.<Operation>) for AWS::SageMaker::EndpointConfig
//   and AWS::SageMaker::InferenceComponent, as Cloud Control documents it: GetResource returns the read
//   model, which leaves out the schema's write-only properties; UpdateResource applies the RFC 6902
//   patch to that read model and fails on a path it does not hold ("noSuchPath", the wording reported
//   in hashicorp/terraform-provider-awscc#3235) or on a create-only property; every operation answers
//   a progress event that GetResourceRequestStatus reports finished. What SageMaker itself would check
//   is checked too: a component needs its endpoint and model, and GPUs within the endpoint's
//   maximum instances; names are unique.
// - IAM's query protocol (form body, XML answers) for roles and their inline policies.
// Every call, with what it would have asked of SageMaker, goes to a journal file the test reads.
const http = require("node:http");
const fs = require("node:fs");
const { applyPatch } = require("fast-json-patch");

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const SCHEMAS = JSON.parse(fs.readFileSync(process.env.SCHEMAS_FILE, "utf8"));
const GPUS = JSON.parse(process.env.GPUS);
const state = {
  models: {},
  configs: {},
  endpoints: {},
  components: {},
  roles: {},
  resources: {},
  requests: {},
  calls: [],
};
const save = () => fs.writeFileSync(process.env.JOURNAL, JSON.stringify(state));
const now = () => Date.now() / 1000;
const arn = (kind, name) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${name.toLowerCase()}`;
const fail = (type, message) => ({ status: 400, body: { __type: type, message } });
const notFound = (what, name) => fail("ValidationException", `Could not find ${what} "${arn(what, name)}".`);
const journal = (operation, detail) => state.calls.push({ operation, ...detail });

// ---- SageMaker ----
const rolledBack = () =>
  fs.existsSync(process.env.ROLLBACK_FILE) && fs.readFileSync(process.env.ROLLBACK_FILE, "utf8") === "1";
const sagemaker = {
  CreateModel: (r) => {
    if (state.models[r.ModelName])
      return fail("ValidationException", `Cannot create already existing model "${arn("model", r.ModelName)}".`);
    state.models[r.ModelName] = { ...r, ModelArn: arn("model", r.ModelName), CreationTime: now() };
    return { ModelArn: arn("model", r.ModelName) };
  },
  DescribeModel: (r) => state.models[r.ModelName] || notFound("model", r.ModelName),
  DeleteModel: (r) =>
    state.models[r.ModelName] ? (delete state.models[r.ModelName], {}) : notFound("model", r.ModelName),
  CreateEndpointConfig: (r) =>
    createEndpointConfig(r) ?? { EndpointConfigArn: arn("endpoint-config", r.EndpointConfigName) },
  DescribeEndpointConfig: (r) =>
    state.configs[r.EndpointConfigName] || notFound("endpoint configuration", r.EndpointConfigName),
  DeleteEndpointConfig: (r) =>
    state.configs[r.EndpointConfigName]
      ? (delete state.configs[r.EndpointConfigName], {})
      : notFound("endpoint configuration", r.EndpointConfigName),
  CreateEndpoint: (r) => {
    if (!state.configs[r.EndpointConfigName]) return notFound("endpoint configuration", r.EndpointConfigName);
    state.endpoints[r.EndpointName] = {
      EndpointName: r.EndpointName,
      EndpointArn: arn("endpoint", r.EndpointName),
      EndpointConfigName: r.EndpointConfigName,
      EndpointStatus: "InService",
      CreationTime: now(),
      LastModifiedTime: now(),
    };
    return { EndpointArn: arn("endpoint", r.EndpointName) };
  },
  UpdateEndpoint: (r) => {
    const e = state.endpoints[r.EndpointName];
    if (!e) return notFound("endpoint", r.EndpointName);
    if (!state.configs[r.EndpointConfigName]) return notFound("endpoint configuration", r.EndpointConfigName);
    // The update runs: one look shows Updating, the next its outcome.
    e.pending = rolledBack() ? e.EndpointConfigName : r.EndpointConfigName;
    e.EndpointStatus = "Updating";
    return { EndpointArn: e.EndpointArn };
  },
  DescribeEndpoint: (r) => {
    const e = state.endpoints[r.EndpointName];
    if (!e) return notFound("endpoint", r.EndpointName);
    const { pending, ...seen } = e;
    if (pending !== undefined) {
      Object.assign(e, { EndpointConfigName: pending, EndpointStatus: "InService", LastModifiedTime: now() });
      delete e.pending;
    }
    return seen;
  },
  DeleteEndpoint: (r) =>
    state.endpoints[r.EndpointName]
      ? (delete state.endpoints[r.EndpointName], {})
      : notFound("endpoint", r.EndpointName),
  ListTags: () => ({ Tags: [] }),
  AddTags: () => ({ Tags: [] }),
  DeleteTags: () => ({}),
};

function createEndpointConfig(r) {
  if (state.configs[r.EndpointConfigName])
    return fail(
      "ValidationException",
      `Cannot create already existing endpoint configuration "${arn("endpoint-config", r.EndpointConfigName)}".`,
    );
  state.configs[r.EndpointConfigName] = {
    ...r,
    EndpointConfigArn: arn("endpoint-config", r.EndpointConfigName),
    CreationTime: now(),
  };
  return undefined;
}

/** GPUs the components on an endpoint take, and what its config's maximum instances hold. */
function gpuRoom(endpointName, adding) {
  const config = state.configs[state.endpoints[endpointName].EndpointConfigName];
  const variant = config.ProductionVariants[0];
  const max =
    (variant.ManagedInstanceScaling?.MaxInstanceCount ?? variant.InitialInstanceCount) *
    (GPUS[variant.InstanceType] ?? 0);
  const used = Object.values(state.components)
    .filter((c) => c.EndpointName === endpointName)
    .reduce(
      (n, c) => n + (c.Specification.ComputeResourceRequirements.NumberOfAcceleratorDevicesRequired ?? 0) * c.copies,
      0,
    );
  return { max, used, fits: used + adding <= max };
}

// ---- Cloud Control, for the two SageMaker types ----
const pointers = (list) => (list ?? []).map((p) => p.replace(/^\/properties/, ""));
const touches = (path, schemaPath) =>
  path === schemaPath || path.startsWith(`${schemaPath}/`) || schemaPath.startsWith(`${path}/`);

function without(doc, paths) {
  const copy = JSON.parse(JSON.stringify(doc));
  for (const path of paths) {
    const keys = path.split("/").slice(1);
    const parent = keys.slice(0, -1).reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), copy);
    if (parent && typeof parent === "object") delete parent[keys[keys.length - 1]];
  }
  return copy;
}

/** What a read returns: the resource as created or patched, without its write-only properties, with its read-only ones. */
function readModel(resource) {
  const model = without(resource.desired, pointers(SCHEMAS[resource.typeName].writeOnlyProperties));
  if (resource.typeName === "AWS::SageMaker::InferenceComponent") {
    const c = state.components[resource.desired.InferenceComponentName];
    model.InferenceComponentArn = resource.identifier;
    model.InferenceComponentStatus = "InService";
    model.RuntimeConfig = { DesiredCopyCount: c.copies, CurrentCopyCount: c.copies };
    if (model.Specification?.Container && Object.keys(model.Specification.Container).length === 0)
      delete model.Specification.Container;
  } else model.EndpointConfigArn = resource.identifier;
  return model;
}

const handlers = {
  "AWS::SageMaker::EndpointConfig": {
    create: (d) => {
      const refused = createEndpointConfig(d);
      journal("CreateEndpointConfig", {
        name: d.EndpointConfigName,
        role: d.ExecutionRoleArn,
        variants: d.ProductionVariants,
      });
      return refused
        ? { error: ["AlreadyExists", refused.body.message] }
        : { identifier: arn("endpoint-config", d.EndpointConfigName) };
    },
    update: () => undefined,
    delete: (d) => {
      delete state.configs[d.EndpointConfigName];
      journal("DeleteEndpointConfig", { name: d.EndpointConfigName });
    },
  },
  "AWS::SageMaker::InferenceComponent": {
    create: (d) => {
      const name = d.InferenceComponentName;
      const copies = d.RuntimeConfig?.CopyCount ?? 1;
      journal("CreateInferenceComponent", {
        name,
        endpoint: d.EndpointName,
        model: d.Specification.ModelName,
        copies,
        deploymentConfig: d.DeploymentConfig,
      });
      if (state.components[name]) return { error: ["AlreadyExists", `Inference Component ${name} already exists.`] };
      if (!state.endpoints[d.EndpointName])
        return { error: ["NotFound", `Could not find endpoint "${arn("endpoint", d.EndpointName)}".`] };
      if (!state.models[d.Specification.ModelName])
        return { error: ["NotFound", `Could not find model "${arn("model", d.Specification.ModelName)}".`] };
      const gpus = (d.Specification.ComputeResourceRequirements.NumberOfAcceleratorDevicesRequired ?? 0) * copies;
      const room = gpuRoom(d.EndpointName, gpus);
      if (!room.fits)
        return {
          error: [
            "ServiceLimitExceeded",
            `Insufficient capacity on endpoint ${d.EndpointName}: ${room.used} of ${room.max} accelerators in use, ${gpus} more asked.`,
          ],
        };
      state.components[name] = { ...d, copies };
      return { identifier: arn("inference-component", name) };
    },
    update: (before, after) => {
      const name = after.InferenceComponentName;
      if (JSON.stringify(before.Specification) !== JSON.stringify(after.Specification) || after.DeploymentConfig)
        journal("UpdateInferenceComponent", {
          name,
          specification: after.Specification,
          deploymentConfig: after.DeploymentConfig,
        });
      if (JSON.stringify(before.Tags) !== JSON.stringify(after.Tags)) journal("AddTags", { name });
      Object.assign(state.components[name], after);
    },
    delete: (d) => {
      delete state.components[d.InferenceComponentName];
      journal("DeleteInferenceComponent", { name: d.InferenceComponentName });
    },
  },
};

let requests = 0;
function progress(typeName, operation, identifier, error) {
  const token = `request-${++requests}`;
  const event = {
    TypeName: typeName,
    Identifier: identifier,
    RequestToken: token,
    Operation: operation,
    OperationStatus: error ? "FAILED" : "SUCCESS",
    EventTime: now(),
    ...(error ? { ErrorCode: error[0], StatusMessage: error[1] } : {}),
  };
  state.requests[token] = event;
  return { ProgressEvent: { ...event, OperationStatus: "IN_PROGRESS" } };
}

function patchError(resource, ops) {
  const createOnly = pointers(SCHEMAS[resource.typeName].createOnlyProperties);
  const fixed = ops.find((op) => createOnly.some((p) => touches(op.path, p)));
  if (fixed) return ["NotUpdatable", `Invalid patch update: createOnlyProperties [${fixed.path}] cannot be updated`];
  try {
    return [undefined, applyPatch(readModel(resource), ops, true, false).newDocument];
  } catch (err) {
    return [
      "InvalidRequest",
      `[noSuchPath] ${err.message.split("\n")[0]} (${ops.map((o) => `${o.op} ${o.path}`).join(", ")})`,
    ];
  }
}

const cloudControl = {
  CreateResource: (r) => {
    const desired = JSON.parse(r.DesiredState);
    journal("CloudControl.CreateResource", { typeName: r.TypeName });
    const { identifier, error } = handlers[r.TypeName].create(desired);
    if (identifier) state.resources[identifier] = { typeName: r.TypeName, identifier, desired };
    return progress(r.TypeName, "CREATE", identifier, error);
  },
  GetResource: (r) => {
    const resource = state.resources[r.Identifier];
    if (!resource)
      return fail(
        "ResourceNotFoundException",
        `Resource of type '${r.TypeName}' with identifier '${r.Identifier}' was not found.`,
      );
    return {
      TypeName: r.TypeName,
      ResourceDescription: { Identifier: r.Identifier, Properties: JSON.stringify(readModel(resource)) },
    };
  },
  UpdateResource: (r) => {
    const resource = state.resources[r.Identifier];
    if (!resource)
      return fail(
        "ResourceNotFoundException",
        `Resource of type '${r.TypeName}' with identifier '${r.Identifier}' was not found.`,
      );
    const ops = JSON.parse(r.PatchDocument);
    journal("CloudControl.UpdateResource", { typeName: r.TypeName, identifier: r.Identifier, patch: ops });
    const [code, merged] = patchError(resource, ops);
    if (code) return progress(r.TypeName, "UPDATE", r.Identifier, [code, merged]);
    // The write-only properties are kept as sent at create: the read model never held them.
    const desired = { ...resource.desired, ...merged };
    handlers[r.TypeName].update(resource.desired, desired);
    resource.desired = desired;
    return progress(r.TypeName, "UPDATE", r.Identifier);
  },
  DeleteResource: (r) => {
    const resource = state.resources[r.Identifier];
    journal("CloudControl.DeleteResource", { typeName: r.TypeName, identifier: r.Identifier });
    if (!resource) return progress(r.TypeName, "DELETE", r.Identifier, ["NotFound", "not found"]);
    handlers[r.TypeName].delete(resource.desired);
    delete state.resources[r.Identifier];
    return progress(r.TypeName, "DELETE", r.Identifier);
  },
  GetResourceRequestStatus: (r) => {
    const event = state.requests[r.RequestToken];
    return event ? { ProgressEvent: event } : fail("RequestTokenNotFoundException", r.RequestToken);
  },
};

// ---- IAM (query protocol) ----
const xml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const roleXml = (role) =>
  `<Role><Path>${xml(role.Path)}</Path><RoleName>${xml(role.RoleName)}</RoleName><RoleId>${role.RoleId}</RoleId><Arn>${role.Arn}</Arn>` +
  `<CreateDate>${role.CreateDate}</CreateDate><AssumeRolePolicyDocument>${encodeURIComponent(role.AssumeRolePolicyDocument)}</AssumeRolePolicyDocument>` +
  `<Description>${xml(role.Description ?? "")}</Description><MaxSessionDuration>3600</MaxSessionDuration><Tags>` +
  role.Tags.map((t) => `<member><Key>${xml(t.Key)}</Key><Value>${xml(t.Value)}</Value></member>`).join("") +
  `</Tags></Role>`;
const noRole = (name) => ({
  status: 404,
  code: "NoSuchEntity",
  message: `The role with name ${name} cannot be found.`,
});
const members = (list, tag) =>
  list.map((x) => `<member>${tag ? `<${tag}>${xml(x)}</${tag}>` : xml(x)}</member>`).join("");
const iam = {
  CreateRole: (p) => {
    const name = p.get("RoleName");
    if (state.roles[name])
      return { status: 409, code: "EntityAlreadyExists", message: `Role with name ${name} already exists.` };
    const tags = [];
    for (let i = 1; p.has(`Tags.member.${i}.Key`); i++)
      tags.push({ Key: p.get(`Tags.member.${i}.Key`), Value: p.get(`Tags.member.${i}.Value`) });
    const path = p.get("Path") || "/";
    const role = {
      Path: path,
      RoleName: name,
      RoleId: `AROA${String(Object.keys(state.roles).length + 1).padStart(16, "0")}`,
      Arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
      CreateDate: new Date().toISOString(),
      AssumeRolePolicyDocument: p.get("AssumeRolePolicyDocument"),
      Description: p.get("Description") ?? undefined,
      Tags: tags,
      policies: {},
    };
    state.roles[name] = role;
    journal("iam.CreateRole", { name, path });
    return `<CreateRoleResult>${roleXml(role)}</CreateRoleResult>`;
  },
  GetRole: (p) =>
    state.roles[p.get("RoleName")]
      ? `<GetRoleResult>${roleXml(state.roles[p.get("RoleName")])}</GetRoleResult>`
      : noRole(p.get("RoleName")),
  DeleteRole: (p) => {
    if (!state.roles[p.get("RoleName")]) return noRole(p.get("RoleName"));
    delete state.roles[p.get("RoleName")];
    journal("iam.DeleteRole", { name: p.get("RoleName") });
    return "";
  },
  PutRolePolicy: (p) => {
    const role = state.roles[p.get("RoleName")];
    if (!role) return noRole(p.get("RoleName"));
    role.policies[p.get("PolicyName")] = p.get("PolicyDocument");
    return "";
  },
  GetRolePolicy: (p) => {
    const role = state.roles[p.get("RoleName")];
    const doc = role?.policies[p.get("PolicyName")];
    if (doc === undefined)
      return {
        status: 404,
        code: "NoSuchEntity",
        message: `The role policy with name ${p.get("PolicyName")} cannot be found.`,
      };
    return `<GetRolePolicyResult><RoleName>${xml(role.RoleName)}</RoleName><PolicyName>${xml(p.get("PolicyName"))}</PolicyName><PolicyDocument>${encodeURIComponent(doc)}</PolicyDocument></GetRolePolicyResult>`;
  },
  DeleteRolePolicy: (p) => {
    const role = state.roles[p.get("RoleName")];
    if (!role || role.policies[p.get("PolicyName")] === undefined)
      return { status: 404, code: "NoSuchEntity", message: "no such policy" };
    delete role.policies[p.get("PolicyName")];
    return "";
  },
  ListRolePolicies: (p) =>
    state.roles[p.get("RoleName")]
      ? `<ListRolePoliciesResult><PolicyNames>${members(Object.keys(state.roles[p.get("RoleName")].policies))}</PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult>`
      : noRole(p.get("RoleName")),
  ListAttachedRolePolicies: () =>
    `<ListAttachedRolePoliciesResult><AttachedPolicies></AttachedPolicies><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult>`,
  ListInstanceProfilesForRole: () =>
    `<ListInstanceProfilesForRoleResult><InstanceProfiles></InstanceProfiles><IsTruncated>false</IsTruncated></ListInstanceProfilesForRoleResult>`,
  ListRoleTags: (p) =>
    state.roles[p.get("RoleName")]
      ? `<ListRoleTagsResult><Tags>${state.roles[p.get("RoleName")].Tags.map((t) => `<member><Key>${xml(t.Key)}</Key><Value>${xml(t.Value)}</Value></member>`).join("")}</Tags><IsTruncated>false</IsTruncated></ListRoleTagsResult>`
      : noRole(p.get("RoleName")),
};

function answerIam(res, body) {
  const params = new URLSearchParams(body);
  const action = params.get("Action");
  const handler = iam[action];
  const result = handler
    ? handler(params)
    : { status: 400, code: "InvalidAction", message: `${action} is not served here` };
  const requestId = "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>";
  if (typeof result === "string") {
    res.writeHead(200, { "content-type": "text/xml" });
    return res.end(
      `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">${result}${requestId}</${action}Response>`,
    );
  }
  res.writeHead(result.status, { "content-type": "text/xml" });
  res.end(
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${result.code}</Code><Message>${xml(result.message)}</Message></Error>${requestId}</ErrorResponse>`,
  );
}

http
  .createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] || "");
      if (!target) {
        answerIam(res, body);
        return save();
      }
      const [service, operation] = target.split(".");
      const request = body ? JSON.parse(body) : {};
      const table = service === "SageMaker" ? sagemaker : service === "CloudApiService" ? cloudControl : {};
      if (service === "SageMaker")
        journal(operation, {
          name: request.EndpointName || request.EndpointConfigName || request.ModelName || request.ResourceArn,
        });
      const handler = table[operation];
      const result = handler ? handler(request) : fail("UnknownOperationException", target);
      save();
      const status = result && result.status ? result.status : 200;
      const protocol = service === "SageMaker" ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0";
      res.writeHead(status, { "content-type": protocol, "x-amzn-requestid": "00000000-0000-0000-0000-000000000001" });
      res.end(JSON.stringify(result && result.status ? result.body : result));
    });
  })
  .listen(0, "127.0.0.1", function () {
    save();
    process.stdout.write(`${this.address().port}\n`);
  });
