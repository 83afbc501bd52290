/**
 * The AWS Parameters and Secrets Lambda Extension: a layer AWS publishes in
 * each region that answers GET http://localhost:2773/systemsmanager/parameters/get
 * from inside the function's sandbox, with the function's own credentials
 * (so the role needs ssm:GetParameter and kms:Decrypt, nothing more). The
 * Lambda reads its origin secret through it instead of bundling an AWS SDK
 * client (app/adapters/aws-lambda.ts).
 *
 * Layer ARNs are per region and architecture, published by AWS in
 * "Extension ARNs for ARM64 and Mac with Apple silicon architectures",
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html#ps-integration-lambda-extensions-add
 * (last updated July 28, 2026). Pinned versions keep synth deterministic; to
 * move to a newer one, copy the table again from that page.
 */
import { LAMBDA_ARCHITECTURE } from "./workload";

/** The page the table below comes from; errors name it. */
export const PARAMETERS_EXTENSION_DOC =
  "https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html#ps-integration-lambda-extensions-add";

/** The arm64 layer (LAMBDA_ARCHITECTURE) by region, from the documented table. */
export const PARAMETERS_EXTENSION_ARM64_LAYERS: Readonly<Record<string, string>> = {
  "us-east-2": "arn:aws:lambda:us-east-2:590474943231:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:109",
  "us-east-1": "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99",
  "us-west-1": "arn:aws:lambda:us-west-1:997803712105:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:93",
  "us-west-2": "arn:aws:lambda:us-west-2:345057560386:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99",
  "af-south-1": "arn:aws:lambda:af-south-1:317013901791:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:97",
  "ap-east-1": "arn:aws:lambda:ap-east-1:768336418462:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:94",
  "ap-east-2": "arn:aws:lambda:ap-east-2:890742577149:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:65",
  "ap-south-2": "arn:aws:lambda:ap-south-2:070087711984:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83",
  "ap-southeast-3":
    "arn:aws:lambda:ap-southeast-3:490737872127:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:91",
  "ap-southeast-4":
    "arn:aws:lambda:ap-southeast-4:090732460067:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83",
  "ap-southeast-5":
    "arn:aws:lambda:ap-southeast-5:381492012281:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83",
  "ap-southeast-6":
    "arn:aws:lambda:ap-southeast-6:995508174458:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:76",
  "ap-south-1": "arn:aws:lambda:ap-south-1:176022468876:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:95",
  "ap-northeast-3":
    "arn:aws:lambda:ap-northeast-3:576959938190:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:91",
  "ap-northeast-2":
    "arn:aws:lambda:ap-northeast-2:738900069198:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:96",
  "ap-southeast-1":
    "arn:aws:lambda:ap-southeast-1:044395824272:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:101",
  "ap-southeast-2":
    "arn:aws:lambda:ap-southeast-2:665172237481:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:105",
  "ap-southeast-7":
    "arn:aws:lambda:ap-southeast-7:941377119484:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83",
  "ap-northeast-1":
    "arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:100",
  "ca-central-1":
    "arn:aws:lambda:ca-central-1:200266452380:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:104",
  "ca-west-1": "arn:aws:lambda:ca-west-1:243964427225:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:70",
  "cn-north-1": "arn:aws-cn:lambda:cn-north-1:287114880934:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:89",
  "cn-northwest-1":
    "arn:aws-cn:lambda:cn-northwest-1:287310001119:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:83",
  "eu-central-1":
    "arn:aws:lambda:eu-central-1:187925254637:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:101",
  "eu-west-1": "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:101",
  "eu-west-2": "arn:aws:lambda:eu-west-2:133256977650:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99",
  "eu-south-1": "arn:aws:lambda:eu-south-1:325218067255:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:92",
  "eu-west-3": "arn:aws:lambda:eu-west-3:780235371811:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:95",
  "eu-south-2": "arn:aws:lambda:eu-south-2:524103009944:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:82",
  "eu-north-1": "arn:aws:lambda:eu-north-1:427196147048:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:92",
  "il-central-1": "arn:aws:lambda:il-central-1:148806536434:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:70",
  "eu-central-2": "arn:aws:lambda:eu-central-2:772501565639:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:70",
  "mx-central-1": "arn:aws:lambda:mx-central-1:241533131596:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:67",
  "me-south-1": "arn:aws:lambda:me-south-1:832021897121:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:55",
  "me-central-1": "arn:aws:lambda:me-central-1:858974508948:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:49",
  "sa-east-1": "arn:aws:lambda:sa-east-1:933737806257:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:100",
  "us-gov-east-1":
    "arn:aws-us-gov:lambda:us-gov-east-1:129776340158:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:84",
  "us-gov-west-1":
    "arn:aws-us-gov:lambda:us-gov-west-1:127562683043:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:87",
};

/**
 * The extension's layer ARN for a function in `region` (LAMBDA_ARCHITECTURE).
 * @returns a problem instead (`<region> has no ...`) when AWS documents no such layer there, for the target to refuse at synth
 */
export function parametersExtensionLayer(region: string): { arn: string } | { problem: string } {
  const arn = LAMBDA_ARCHITECTURE === "arm64" ? PARAMETERS_EXTENSION_ARM64_LAYERS[region] : undefined;
  if (arn !== undefined) return { arn };
  return {
    problem: `${region} has no AWS Parameters and Secrets Lambda Extension layer for ${LAMBDA_ARCHITECTURE} in the documented table (${PARAMETERS_EXTENSION_DOC}); the function reads its secrets through it. Use another region for the function target, or add the layer ARN published for ${region} to lib/aws/parameters-extension.ts`,
  };
}
