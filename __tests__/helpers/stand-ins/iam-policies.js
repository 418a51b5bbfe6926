// A loopback stand-in of IAM's managed policies, for Terraform's real apply of the CI roles'
// policies and for bin/ci-check.ts reading them back through the real SDK: IAM's query protocol
// (a form body, XML answers). CreatePolicy keeps the document as it was sent; GetPolicyVersion
// returns it URL-encoded, as IAM does. STS's GetCallerIdentity answers account 123456789012.
// With MODE_FILE holding "deny", every IAM call is refused with AccessDenied.
const http = require("node:http");
const fs = require("node:fs");

const ACCOUNT = "123456789012";
const policies = {};
const xml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const tagsXml = (tags) =>
  tags.map((t) => `<member><Key>${xml(t.Key)}</Key><Value>${xml(t.Value)}</Value></member>`).join("");
const policyXml = (p) =>
  `<Policy><PolicyName>${xml(p.PolicyName)}</PolicyName><DefaultVersionId>v${p.versions.length}</DefaultVersionId><PolicyId>ANPA${p.id}</PolicyId>` +
  `<Path>${xml(p.Path)}</Path><Arn>${p.Arn}</Arn><AttachmentCount>0</AttachmentCount><PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>` +
  `<IsAttachable>true</IsAttachable><Description>${xml(p.Description)}</Description><CreateDate>2026-12-08T00:00:00Z</CreateDate>` +
  `<UpdateDate>2026-12-08T00:00:00Z</UpdateDate><Tags>${tagsXml(p.Tags)}</Tags></Policy>`;
const versionXml = (p, n) =>
  `<PolicyVersion><Document>${encodeURIComponent(p.versions[n - 1])}</Document><VersionId>v${n}</VersionId>` +
  `<IsDefaultVersion>${n === p.versions.length}</IsDefaultVersion><CreateDate>2026-12-08T00:00:00Z</CreateDate></PolicyVersion>`;
const noSuch = (arn) => ({
  status: 404,
  code: "NoSuchEntity",
  message: `Policy ${arn} does not exist or is not attachable.`,
});
const tagsOf = (p) => {
  const tags = [];
  for (let i = 1; p.has(`Tags.member.${i}.Key`); i++)
    tags.push({ Key: p.get(`Tags.member.${i}.Key`), Value: p.get(`Tags.member.${i}.Value`) });
  return tags;
};

const actions = {
  GetCallerIdentity: () =>
    `<GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/offline</Arn><UserId>AIDAOFFLINE</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult>`,
  CreatePolicy: (p) => {
    const path = p.get("Path") ?? "/";
    const arn = `arn:aws:iam::${ACCOUNT}:policy${path}${p.get("PolicyName")}`;
    if (policies[arn])
      return {
        status: 409,
        code: "EntityAlreadyExists",
        message: `A policy called ${p.get("PolicyName")} already exists.`,
      };
    policies[arn] = {
      PolicyName: p.get("PolicyName"),
      Path: path,
      Arn: arn,
      Description: p.get("Description") ?? "",
      Tags: tagsOf(p),
      id: Object.keys(policies).length,
      versions: [p.get("PolicyDocument")],
    };
    return `<CreatePolicyResult>${policyXml(policies[arn])}</CreatePolicyResult>`;
  },
  GetPolicy: (p) =>
    policies[p.get("PolicyArn")]
      ? `<GetPolicyResult>${policyXml(policies[p.get("PolicyArn")])}</GetPolicyResult>`
      : noSuch(p.get("PolicyArn")),
  GetPolicyVersion: (p) => {
    const policy = policies[p.get("PolicyArn")];
    const n = Number(String(p.get("VersionId")).slice(1));
    return policy && policy.versions[n - 1]
      ? `<GetPolicyVersionResult>${versionXml(policy, n)}</GetPolicyVersionResult>`
      : noSuch(p.get("PolicyArn"));
  },
  ListPolicyVersions: (p) => {
    const policy = policies[p.get("PolicyArn")];
    if (!policy) return noSuch(p.get("PolicyArn"));
    const versions = policy.versions.map((_, i) =>
      versionXml(policy, i + 1)
        .replace(/<Document>[^<]*<\/Document>/, "")
        .replace(/^<PolicyVersion>|<\/PolicyVersion>$/g, ""),
    );
    return `<ListPolicyVersionsResult><Versions>${versions.map((v) => `<member>${v}</member>`).join("")}</Versions><IsTruncated>false</IsTruncated></ListPolicyVersionsResult>`;
  },
  ListPolicyTags: (p) =>
    policies[p.get("PolicyArn")]
      ? `<ListPolicyTagsResult><Tags>${tagsXml(policies[p.get("PolicyArn")].Tags)}</Tags><IsTruncated>false</IsTruncated></ListPolicyTagsResult>`
      : noSuch(p.get("PolicyArn")),
  CreatePolicyVersion: (p) => {
    const policy = policies[p.get("PolicyArn")];
    if (!policy) return noSuch(p.get("PolicyArn"));
    policy.versions.push(p.get("PolicyDocument"));
    return `<CreatePolicyVersionResult>${versionXml(policy, policy.versions.length).replace(/<Document>[^<]*<\/Document>/, "")}</CreatePolicyVersionResult>`;
  },
};

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const params = new URLSearchParams(body);
    const action = params.get("Action");
    const deny =
      action !== "GetCallerIdentity" &&
      process.env.MODE_FILE &&
      fs.existsSync(process.env.MODE_FILE) &&
      fs.readFileSync(process.env.MODE_FILE, "utf8").trim() === "deny";
    const handler = actions[action];
    const result = deny
      ? { status: 403, code: "AccessDenied", message: `not authorized to perform: iam:${action}` }
      : handler
        ? handler(params)
        : { status: 400, code: "InvalidAction", message: `the stand-in does not serve ${action}` };
    const ns =
      action === "GetCallerIdentity"
        ? "https://sts.amazonaws.com/doc/2011-06-15/"
        : "https://iam.amazonaws.com/doc/2010-05-08/";
    const requestId =
      "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>";
    if (typeof result === "string") {
      res.writeHead(200, { "content-type": "text/xml" });
      return res.end(`<${action}Response xmlns="${ns}">${result}${requestId}</${action}Response>`);
    }
    res.writeHead(result.status, { "content-type": "text/xml" });
    res.end(
      `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${result.code}</Code><Message>${xml(result.message)}</Message></Error><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ErrorResponse>`,
    );
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\n"));
