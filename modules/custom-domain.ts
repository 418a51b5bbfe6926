import { Construct } from "constructs";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface CustomDomainProps {
  readonly domainName: string;
  /** ACM certificate in the API's region (regional endpoint). */
  readonly certificateArn: string;
  readonly apiId: string;
  readonly stageName: string;
  /** @default "" - the domain's root */
  readonly basePath?: string;
  /** Creates an alias A record there. @default - no DNS record */
  readonly hostedZoneId?: string;
}

/** A regional custom domain for the API, mapped to one stage, with its DNS alias when a zone is given. */
export class CustomDomain extends Construct {
  readonly url: string;

  constructor(scope: Construct, id: string, props: CustomDomainProps) {
    super(scope, id);
    const domain = new ApiGatewayDomainName(this, "domain", {
      domainName: props.domainName,
      regionalCertificateArn: props.certificateArn,
      endpointConfiguration: { types: ["REGIONAL"] },
      securityPolicy: "TLS_1_2",
    });
    new ApiGatewayBasePathMapping(this, "mapping", {
      apiId: props.apiId,
      stageName: props.stageName,
      domainName: domain.domainName,
      basePath: props.basePath || undefined,
    });
    if (props.hostedZoneId) {
      new Route53Record(this, "alias", {
        zoneId: props.hostedZoneId,
        name: props.domainName,
        type: "A",
        alias: { name: domain.regionalDomainName, zoneId: domain.regionalZoneId, evaluateTargetHealth: false },
      });
    }
    this.url = `https://${props.domainName}${props.basePath ? `/${props.basePath}` : ""}`;
  }
}
