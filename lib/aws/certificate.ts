/**
 * The load balancer's TLS certificate: an ARN given in config
 * (`aws.certificateArn`), or an ACM certificate for the origin hostname,
 * validated by a CNAME record in the environment's Cloudflare zone. Both
 * validation records are DNS-only (never proxied), as ACM must see them.
 */
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Fn } from "cdktf";
import { Construct } from "constructs";

export interface OriginCertificateProps {
  /** Hostname the certificate covers, e.g. `aws-origin.staging.<root domain>`. */
  readonly hostname: string;
  /** Cloudflare zone holding `hostname`. */
  readonly zoneId: string;
  /**
   * An existing certificate that covers `hostname`; nothing is requested or validated.
   * @default - a new ACM certificate, DNS-validated through Cloudflare
   */
  readonly certificateArn?: string;
}

export class OriginCertificate extends Construct {
  /** ARN of a certificate that is issued (validation done) before the listener uses it. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: OriginCertificateProps) {
    super(scope, id);
    if (props.certificateArn !== undefined) {
      this.arn = props.certificateArn;
      return;
    }
    const certificate = new AcmCertificate(this, "certificate", {
      domainName: props.hostname,
      validationMethod: "DNS",
      // A renewed or changed certificate is attached before the old one goes.
      lifecycle: { createBeforeDestroy: true },
    });
    // One domain, so one validation option; ACM returns it in a set.
    const option = certificate.domainValidationOptions.get(0);
    const record = new DnsRecord(this, "validation", {
      zoneId: props.zoneId,
      // ACM writes FQDNs with a trailing dot; Cloudflare strips it, which would be a perpetual diff.
      name: Fn.trimsuffix(option.resourceRecordName, "."),
      type: option.resourceRecordType,
      content: Fn.trimsuffix(option.resourceRecordValue, "."),
      ttl: 60,
      proxied: false,
    });
    const validation = new AcmCertificateValidation(this, "validated", {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.name],
    });
    this.arn = validation.certificateArn;
  }
}
