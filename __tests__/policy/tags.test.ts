import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Testing } from "cdktf";
import { cloudflareComment, gcpLabels, standardTags } from "../../lib/policy/tags";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { environmentConfig, resourcesOf, type TerraformJson } from "../helpers/environments";

function stackWith(build: (stack: EnvironmentStack) => void): TerraformJson {
  const stack = new EnvironmentStack(Testing.app(), { config: environmentConfig() });
  build(stack);
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

describe("standard tags", () => {
  it("tags every azurerm resource, keeping tags a resource sets itself", () => {
    const json = stackWith((stack) => {
      new ResourceGroup(stack, "plain", { name: "rg-plain", location: "westeurope" });
      new ResourceGroup(stack, "own", {
        name: "rg-own",
        location: "westeurope",
        tags: { team: "edge", service: "other" },
      });
    });
    const groups = resourcesOf(json, "azurerm_resource_group");
    expect(groups.plain.tags).toEqual({
      environment: "test",
      service: "hello",
      "managed-by": "cdktf",
      repository: "gitlab.com/example/multicloud-blueprint",
    });
    expect(groups.own.tags).toEqual(expect.objectContaining({ team: "edge", service: "other", environment: "test" }));
  });

  it("comments Cloudflare DNS records (tags need a paid plan) unless a comment is set", () => {
    const json = stackWith((stack) => {
      const common = { zoneId: "fedcba9876543210fedcba9876543210", type: "CNAME", content: "x.example.net", ttl: 1 };
      new DnsRecord(stack, "plain", { ...common, name: "a.test.example.com" });
      new DnsRecord(stack, "own", { ...common, name: "b.test.example.com", comment: "kept" });
    });
    const records = resourcesOf(json, "cloudflare_dns_record");
    expect(records.plain.comment).toBe("managed by cdktf: hello/test");
    expect(records.own.comment).toBe("kept");
  });

  it("rewrites values GCP would reject and keeps them within 63 characters", () => {
    const labels = gcpLabels({ ...standardTags("prod", "hello"), repository: `gitlab.com/Group/${"x".repeat(80)}` });
    expect(labels.repository).toHaveLength(63);
    expect(labels.repository.startsWith("gitlab_com-group-")).toBe(true);
  });

  it("keeps Cloudflare comments within the free plan's 100 characters", () => {
    expect(cloudflareComment(standardTags("e".repeat(60), "s".repeat(60))).length).toBe(100);
  });
});
