import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Testing } from "cdktf";
import { cloudflareComment, gcpLabels, standardTags } from "../../lib/policy/tags";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { COMPANY, environmentConfig, resourcesOf, type TerraformJson, testApp } from "../helpers/environments";

function stackWith(build: (stack: EnvironmentStack) => void): TerraformJson {
  const stack = new EnvironmentStack(testApp(), { config: environmentConfig() });
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
      ...COMPANY.tags,
      environment: "test",
      service: COMPANY.service,
      "managed-by": "cdktf",
      repository: `${COMPANY.gitlab.host}/${COMPANY.gitlab.projectPath}`,
    });
    expect(groups.own.tags).toEqual(expect.objectContaining({ team: "edge", service: "other", environment: "test" }));
  });

  it("comments Cloudflare DNS records (tags need a paid plan) unless a comment is set", () => {
    const json = stackWith((stack) => {
      const common = { zoneId: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", type: "CNAME", content: "x.example.net", ttl: 1 };
      new DnsRecord(stack, "plain", { ...common, name: `a.${COMPANY.domain}` });
      new DnsRecord(stack, "own", { ...common, name: `b.${COMPANY.domain}`, comment: "kept" });
    });
    const records = resourcesOf(json, "cloudflare_dns_record");
    expect(records.plain.comment).toBe(`managed by cdktf: ${COMPANY.service}/test`);
    expect(records.own.comment).toBe("kept");
  });

  it("rewrites values GCP would reject and keeps them within 63 characters", () => {
    const labels = gcpLabels({ ...standardTags("prod", COMPANY), repository: `gitlab.com/Group/${"x".repeat(80)}` });
    expect(labels.repository).toHaveLength(63);
    expect(labels.repository.startsWith("gitlab_com-group-")).toBe(true);
  });

  it("keeps Cloudflare comments within the free plan's 100 characters", () => {
    expect(cloudflareComment(standardTags("e".repeat(60), { ...COMPANY, service: "s".repeat(60) })).length).toBe(100);
  });

  it("adds the company's own tags to every resource, beside the standard ones", () => {
    const company = { ...COMPANY, tags: { team: "payments", "cost-center": "cc-42" } };
    const tagged = new EnvironmentStack(testApp(), { config: { ...environmentConfig(), company } });
    new ResourceGroup(tagged, "plain", { name: "rg-plain", location: "westeurope" });
    const out = JSON.parse(Testing.synth(tagged, true)) as TerraformJson;
    expect(resourcesOf(out, "azurerm_resource_group").plain.tags).toMatchObject({
      team: "payments",
      "cost-center": "cc-42",
      service: COMPANY.service,
    });
    expect(out.provider?.aws?.[0].default_tags).toEqual([{ tags: expect.objectContaining({ team: "payments" }) }]);
  });
});
