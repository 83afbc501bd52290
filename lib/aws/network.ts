/**
 * The container target's VPC: a public and a private subnet in each of two
 * availability zones, and 0, 1 or 2 NAT gateways (`natGateways`).
 *
 * | natGateways | tasks run in                  | egress           | fixed cost (eu-west-1)           |
 * | ----------- | ----------------------------- | ---------------- | -------------------------------- |
 * | `none`      | public subnets, public IPv4   | internet gateway | ~$3.60/month per task public IP  |
 * | `single`    | private subnets               | one NAT, one AZ  | ~$35/month + $0.048/GB           |
 * | `per-az`    | private subnets               | a NAT per AZ     | ~$70/month + $0.048/GB           |
 *
 * With `none`, tasks have public addresses but their security group admits
 * only the load balancer, so nothing else reaches them; `single` loses egress
 * (image pulls, logs) if its AZ fails; `per-az` survives an AZ.
 *
 * The zones are `<region>a` and `<region>b`: known at synth without
 * credentials or a data source, and stable (a data source listing
 * "available" zones would shift subnets to other zones, and replace them,
 * whenever AWS marks a zone impaired).
 */
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";

export type NatGateways = "none" | "single" | "per-az";

/** Zone letters used in every region; all commercial regions have a and b. */
export const ZONE_SUFFIXES = ["a", "b"] as const;

/** Each subnet is 1/16th of the VPC (a /16 VPC gives /20 subnets, 4,091 usable addresses). */
const SUBNET_NEWBITS = 4;

/** Terraform's `cidrsubnet` for IPv4, at synth so the CIDRs are plain text in the JSON. */
export function cidrSubnet(cidr: string, newbits: number, index: number): string {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const octets = address.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new ConstructError("BPE_AWS_5", undefined, `"${cidr}" is not an IPv4 CIDR`);
  }
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0)
    throw new ConstructError(
      "BPE_AWS_6",
      undefined,
      `aws.vpcCidr "${cidr}" has host bits set; use ${toDotted(base - (base % size))}/${prefix}`,
    );
  const newPrefix = prefix + newbits;
  if (newPrefix > 28)
    throw new ConstructError("BPE_AWS_7", undefined, `"${cidr}" is too small for ${2 ** newbits} subnets`);
  if (index < 0 || index >= 2 ** newbits)
    throw new ConstructError("BPE_AWS_8", undefined, `subnet index ${index} does not fit ${newbits} bits`);
  return `${toDotted(base + index * 2 ** (32 - newPrefix))}/${newPrefix}`;
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export interface NetworkProps {
  /** Prefix of the Name tags. */
  readonly name: string;
  readonly region: string;
  /** IPv4 CIDR of the VPC, /16 to /20. */
  readonly cidr: string;
  /** NAT gateways: none (tasks get public IPs), single, or one per AZ. */
  readonly natGateways: NatGateways;
}

export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[];
  /** Empty when `natGateways` is `none`: without NAT a private subnet has no way out. */
  readonly privateSubnets: Subnet[];
  readonly natGateways: NatGateway[];
  /** Where tasks run: private subnets behind NAT, or public subnets with public IPs. */
  readonly workloadSubnets: Subnet[];
  /** Whether tasks need a public IP to reach ECR, CloudWatch and the internet. */
  readonly assignPublicIp: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const zones = ZONE_SUFFIXES.map((suffix) => `${props.region}${suffix}`);
    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    // Take the default security group under management with no rules, so nothing can use it.
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-default-unused` },
    });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: props.name } });
    const publicRoutes = new RouteTable(this, "public-routes", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-public` },
    });
    new Route(this, "public-default", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    this.publicSubnets = zones.map((zone, i) => {
      const subnet = new Subnet(this, `public-${ZONE_SUFFIXES[i]}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: cidrSubnet(props.cidr, SUBNET_NEWBITS, i),
        // Only the ALB and (with natGateways none) tasks live here, and both ask for addresses explicitly.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-public-${zone}` },
      });
      new RouteTableAssociation(this, `public-${ZONE_SUFFIXES[i]}-routes`, {
        subnetId: subnet.id,
        routeTableId: publicRoutes.id,
      });
      return subnet;
    });

    const natCount = { none: 0, single: 1, "per-az": zones.length }[props.natGateways];
    this.natGateways = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-${ZONE_SUFFIXES[i]}-ip`, {
        domain: "vpc",
        tags: { Name: `${props.name}-nat-${zones[i]}` },
      });
      return new NatGateway(this, `nat-${ZONE_SUFFIXES[i]}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        tags: { Name: `${props.name}-${zones[i]}` },
        dependsOn: [igw],
      });
    });

    this.privateSubnets =
      natCount === 0
        ? []
        : zones.map((zone, i) => {
            const subnet = new Subnet(this, `private-${ZONE_SUFFIXES[i]}`, {
              vpcId: this.vpc.id,
              availabilityZone: zone,
              cidrBlock: cidrSubnet(props.cidr, SUBNET_NEWBITS, zones.length + i),
              mapPublicIpOnLaunch: false,
              tags: { Name: `${props.name}-private-${zone}` },
            });
            const routes = new RouteTable(this, `private-${ZONE_SUFFIXES[i]}-routes`, {
              vpcId: this.vpc.id,
              tags: { Name: `${props.name}-private-${zone}` },
            });
            new Route(this, `private-${ZONE_SUFFIXES[i]}-default`, {
              routeTableId: routes.id,
              destinationCidrBlock: "0.0.0.0/0",
              // per-az: each zone its own NAT; single: both zones share the first.
              natGatewayId: this.natGateways[Math.min(i, natCount - 1)].id,
            });
            new RouteTableAssociation(this, `private-${ZONE_SUFFIXES[i]}-association`, {
              subnetId: subnet.id,
              routeTableId: routes.id,
            });
            return subnet;
          });

    this.assignPublicIp = natCount === 0;
    this.workloadSubnets = this.assignPublicIp ? this.publicSubnets : this.privateSubnets;
  }
}
