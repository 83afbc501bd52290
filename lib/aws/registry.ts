/**
 * The ECR repository CI pushes the container image to. Tags are immutable (a
 * tag always means the same image, so a plan shows every image change),
 * images are scanned on push and encrypted with the target's KMS key, and a
 * lifecycle policy keeps the newest images only.
 *
 * How image and registry relate: bootstrap creates the repository, one per
 * environment (lib/bootstrap/registries/aws.ts), so no deploy identity
 * creates or deletes it; the task runs `ServiceSpec.image`'s tag or digest
 * from it (`ecrImage`, by a name known at synth time); `publish:<env>` copies
 * the pipeline's image here by digest before the plan (docs/releasing.md).
 * Tasks pull with their execution role (ECR actions scoped to this
 * repository), never with a registry password.
 */
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";
import { parseImage } from "../image";

/** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`: the repository URL, known at synth time. */
export function ecrRepositoryUrl(accountId: string, region: string, name: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com/${name}`;
}

/** ARN of repository `name`, known at synth time (the execution role's pull scope). */
export function ecrRepositoryArn(accountId: string, region: string, name: string): string {
  return `arn:aws:ecr:${region}:${accountId}:repository/${name}`;
}

/** The reference the task pulls: `image`'s tag and/or digest in the ECR repository at `url`. */
export function ecrImage(image: string, url: string): string {
  return `${url}${parseImage(image).version}`;
}

export interface RegistryProps {
  /** Repository name (lowercase, 256 characters at most). */
  readonly name: string;
  /** KMS key that encrypts the image layers. */
  readonly kmsKeyArn: string;
  /**
   * Tagged images kept; older ones expire. Untagged images expire after a day.
   * @default 20
   */
  readonly keepImages?: number;
  /**
   * The account's provider (bootstrap has one per account).
   * @default - the stack's default AWS provider
   */
  readonly provider?: AwsProvider;
}

export class Registry extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 20;
    if (!Number.isInteger(keep) || keep < 1)
      throw new ConstructError(
        "BPE_AWS_2",
        this.node.path,
        `keepImages must be a whole number of at least 1, not ${keep}`,
      );
    this.repository = new EcrRepository(this, "repository", {
      provider: props.provider,
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
    });
    new EcrLifecyclePolicy(this, "lifecycle", {
      provider: props.provider,
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: "Untagged layers of interrupted pushes",
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep the newest ${keep} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }

  get arn(): string {
    return this.repository.arn;
  }

  get url(): string {
    return this.repository.repositoryUrl;
  }
}
