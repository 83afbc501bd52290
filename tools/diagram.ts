/**
 * `npm run diagram [-- <env>] [--write]`: a Mermaid flowchart of one
 * synthesized environment (GitLab renders Mermaid), read from
 * `cdktf.out/stacks/<env>/cdk.tf.json`: the edge Worker and its hostname,
 * every origin with its share of traffic, grouped by cloud with the region
 * and resource count. `--write` puts it into README.md between the diagram
 * markers.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLOUDS, type Cloud, type OriginId } from "../lib/config/schema";

export const MARKERS = { start: "<!-- diagram:start -->", end: "<!-- diagram:end -->" } as const;

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface StackJson {
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Resources;
}

/** What each origin is, and which resource names it (typed by the registry's origins: a new cloud must add its two). */
const ORIGIN_KINDS: Record<OriginId, { readonly label: string; readonly type: string; readonly field: string }> = {
  "aws.function": { label: "Lambda + HTTP API", type: "aws_lambda_function", field: "function_name" },
  "aws.container": { label: "ECS Fargate + ALB", type: "aws_ecs_service", field: "name" },
  "azure.function": {
    label: "Function App, Flex Consumption",
    type: "azurerm_function_app_flex_consumption",
    field: "name",
  },
  "azure.container": { label: "Container App", type: "azurerm_container_app", field: "name" },
  "gcp.function": { label: "Cloud Function, 2nd gen", type: "google_cloudfunctions2_function", field: "name" },
  "gcp.container": { label: "Cloud Run", type: "google_cloud_run_v2_service", field: "name" },
};

/** Each cloud's box: its title, the prefix of its resource types, and where its stack names the region. */
const CLOUD_BOXES: Record<
  Cloud,
  { readonly title: string; readonly prefix: string; readonly region: (json: StackJson) => unknown }
> = {
  aws: { title: "AWS", prefix: "aws_", region: (json) => json.provider?.aws?.[0]?.region },
  azure: {
    title: "Azure",
    prefix: "azurerm_",
    region: (json) => first(json.resource, "azurerm_container_app_environment")?.location,
  },
  gcp: { title: "GCP", prefix: "google_", region: (json) => json.provider?.google?.[0]?.region },
};

const first = (resources: Resources | undefined, type: string): Record<string, unknown> | undefined =>
  Object.values(resources?.[type] ?? {})[0];

/** The origins and weights of the edge's routing table (the Worker's EDGE_CONFIG binding). */
export function edgeOrigins(json: StackJson): { id: string; weight: number }[] {
  const script = first(json.resource, "cloudflare_workers_script");
  const bindings = (script?.bindings ?? []) as { name?: string; json?: string }[];
  const config = bindings.find((binding) => binding.json !== undefined)?.json ?? "";
  return [...config.matchAll(/"id" = "([a-z]+\.[a-z]+)", "url" = .*?, "weight" = (\d+)/g)].map((m) => ({
    id: m[1],
    weight: Number(m[2]),
  }));
}

const quote = (text: string) => `"${text.replaceAll('"', "#quot;")}"`;

/** The Mermaid source (without the fence) for one stack's Terraform JSON. */
export function mermaidOf(environment: string, json: StackJson): string {
  const script = first(json.resource, "cloudflare_workers_script");
  const hostname = first(json.resource, "cloudflare_workers_custom_domain")?.hostname as string | undefined;
  const lines = [
    "flowchart LR",
    `  client([Client]) -->|${quote(hostname === undefined ? "HTTPS" : `https://${hostname}`)}| edge[${quote(`Cloudflare Worker<br/>${String(script?.script_name ?? `${environment} edge`)}`)}]`,
  ];
  const origins = edgeOrigins(json);
  for (const cloud of CLOUDS) {
    const mine = origins.filter((origin) => origin.id.startsWith(`${cloud}.`));
    if (mine.length === 0) continue;
    const { title, prefix } = CLOUD_BOXES[cloud];
    const count = Object.entries(json.resource ?? {})
      .filter(([type]) => type.startsWith(prefix))
      .reduce((sum, [, instances]) => sum + Object.keys(instances).length, 0);
    const region = CLOUD_BOXES[cloud].region(json) as string | undefined;
    lines.push(
      `  subgraph ${cloud}[${quote(`${title}${region === undefined ? "" : ` ${region}`}, ${count} resources`)}]`,
    );
    for (const origin of mine) {
      const kind = ORIGIN_KINDS[origin.id as OriginId] as (typeof ORIGIN_KINDS)[OriginId] | undefined;
      const name = kind === undefined ? undefined : first(json.resource, kind.type)?.[kind.field];
      const node = origin.id.replace(".", "_");
      lines.push(
        `    ${node}[${quote(`${kind?.label ?? origin.id}${name === undefined ? "" : `<br/>${String(name)}`}`)}]`,
      );
    }
    lines.push("  end");
  }
  for (const origin of origins) lines.push(`  edge -->|${quote(`${origin.weight}%`)}| ${origin.id.replace(".", "_")}`);
  return lines.join("\n");
}

/** `text` with the block between the markers replaced by `diagram`; undefined when the markers are missing. */
export function withDiagram(text: string, environment: string, diagram: string): string | undefined {
  const start = text.indexOf(MARKERS.start);
  const end = text.indexOf(MARKERS.end);
  if (start < 0 || end < start) return undefined;
  const block = [
    MARKERS.start,
    `<!-- generated by \`npm run diagram -- ${environment} --write\` from cdktf.out; do not edit by hand -->`,
    "```mermaid",
    diagram,
    "```",
  ].join("\n");
  return `${text.slice(0, start)}${block}\n${text.slice(end)}`;
}

/** Reads the synthesized stack of `environment` under `root`; undefined when it is not there. */
export function readStack(root: string, environment: string): StackJson | undefined {
  const file = join(root, "cdktf.out", "stacks", environment, "cdk.tf.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as StackJson) : undefined;
}

export function writeReadme(root: string, environment: string, diagram: string): boolean {
  const path = join(root, "README.md");
  const next = withDiagram(readFileSync(path, "utf8"), environment, diagram);
  if (next === undefined) return false;
  writeFileSync(path, next);
  return true;
}
