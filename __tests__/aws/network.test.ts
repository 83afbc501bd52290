import { cidrSubnet } from "../../lib/aws/network";
import { all, buildAws, only } from "./helpers";

describe("aws network", () => {
  it("splits the VPC into /20s at synth, like Terraform's cidrsubnet", () => {
    expect([0, 1, 2, 3].map((i) => cidrSubnet("10.40.0.0/16", 4, i))).toEqual([
      "10.40.0.0/20",
      "10.40.16.0/20",
      "10.40.32.0/20",
      "10.40.48.0/20",
    ]);
    expect(cidrSubnet("172.16.32.0/20", 4, 3)).toBe("172.16.35.0/24");
    expect(() => cidrSubnet("10.40.0.1/16", 4, 0)).toThrow(/host bits set; use 10\.40\.0\.0\/16/);
  });

  it("puts a public and a private subnet in <region>a and <region>b", () => {
    const { json } = buildAws({ only: "container", settings: { region: "us-east-2" } });
    const subnets = all(json, "aws_subnet")
      .map((s) => [s.availability_zone, s.cidr_block, (s.tags as { Name: string }).Name])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(subnets).toEqual([
      ["us-east-2a", "10.40.0.0/20", "shop-test-public-us-east-2a"],
      ["us-east-2b", "10.40.16.0/20", "shop-test-public-us-east-2b"],
      ["us-east-2a", "10.40.32.0/20", "shop-test-private-us-east-2a"],
      ["us-east-2b", "10.40.48.0/20", "shop-test-private-us-east-2b"],
    ]);
    expect(all(json, "aws_subnet").every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    expect(json.data).toBeUndefined();
  });

  it("locks the default security group down to no rules", () => {
    const { json } = buildAws({ only: "container" });
    const sg = only(json, "aws_default_security_group");
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
  });

  it("single: one NAT gateway shared by both private subnets", () => {
    const { json } = buildAws({ only: "container", settings: { natGateways: "single" } });
    expect(all(json, "aws_nat_gateway")).toHaveLength(1);
    const natRoutes = all(json, "aws_route").filter((r) => "nat_gateway_id" in r);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
    expect(natRoutes).toHaveLength(2);
  });

  it("per-az: one NAT gateway per zone, each private subnet using its own", () => {
    const { json } = buildAws({ only: "container", settings: { natGateways: "per-az" } });
    expect(all(json, "aws_nat_gateway")).toHaveLength(2);
    expect(all(json, "aws_eip")).toHaveLength(2);
    const natRoutes = all(json, "aws_route").filter((r) => "nat_gateway_id" in r);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(2);
  });

  it("none: no NAT and no private subnets; tasks run in public subnets with public IPs", () => {
    const { json } = buildAws({ only: "container", settings: { natGateways: "none" } });
    expect(json.resource?.aws_nat_gateway).toBeUndefined();
    expect(json.resource?.aws_eip).toBeUndefined();
    expect(all(json, "aws_subnet").map((s) => (s.tags as { Name: string }).Name)).toEqual([
      "shop-test-public-eu-west-1a",
      "shop-test-public-eu-west-1b",
    ]);
    const network = only(json, "aws_ecs_service").network_configuration as {
      assign_public_ip: boolean;
      subnets: string[];
    };
    expect(network.assign_public_ip).toBe(true);
    expect(network.subnets.every((s) => s.includes("public"))).toBe(true);
  });
});
