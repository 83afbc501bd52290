/**
 * Amazon SNS message verification (docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
 * the signing certificate is fetched only from an SNS host over HTTPS, its
 * public key checks the RSA signature over the canonical string of the
 * message's fields (SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2).
 * A SubscriptionConfirmation is answered by visiting SubscribeURL, which must
 * also be an SNS host.
 */

export interface SnsMessage {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly SignatureVersion: string;
  readonly Signature: string;
  readonly SigningCertURL: string;
  readonly SubscribeURL?: string;
  readonly Token?: string;
}

/** `sns.<region>.amazonaws.com` (and `.com.cn` in China): the only hosts certificates and confirmations come from. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** True when `url` is https:// on an SNS host (no port, no credentials). */
export function isSnsUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === "https:" &&
      SNS_HOST.test(parsed.hostname) &&
      parsed.port === "" &&
      parsed.username === "" &&
      parsed.password === ""
    );
  } catch {
    return false;
  }
}

const FIELDS: Readonly<Record<string, readonly (keyof SnsMessage)[]>> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

/** The string SNS signs: each present field as `name\nvalue\n`, in the documented order. */
export function stringToSign(message: SnsMessage): string | undefined {
  const fields = FIELDS[message.Type];
  if (fields === undefined) return undefined;
  let text = "";
  for (const field of fields) {
    const value = message[field];
    if (value === undefined) {
      if (field === "Subject") continue;
      return undefined;
    }
    text += `${field}\n${value}\n`;
  }
  return text;
}

/** Certificates by URL: a Worker isolate verifies many messages with the same one. */
const certificates = new Map<string, ArrayBuffer>();

/** Why `message` is not a genuine SNS message, or undefined when its signature verifies. */
export async function snsProblem(message: SnsMessage, fetcher: typeof fetch = fetch): Promise<string | undefined> {
  const hash = message.SignatureVersion === "1" ? "SHA-1" : message.SignatureVersion === "2" ? "SHA-256" : undefined;
  if (hash === undefined) return "unknown SignatureVersion";
  if (!isSnsUrl(message.SigningCertURL) || !new URL(message.SigningCertURL).pathname.endsWith(".pem")) {
    return "SigningCertURL is not a certificate on an SNS host";
  }
  const text = stringToSign(message);
  if (text === undefined) return "not a signed SNS message type, or a field is missing";
  let spki = certificates.get(message.SigningCertURL);
  if (spki === undefined) {
    const response = await fetcher(message.SigningCertURL, { redirect: "manual" });
    if (!response.ok) return `signing certificate fetch answered ${response.status}`;
    const key = publicKeyOfPem(await response.text());
    if (key === undefined) return "signing certificate is not a PEM X.509 certificate";
    spki = key;
    certificates.set(message.SigningCertURL, spki);
  }
  let signature: Uint8Array;
  try {
    signature = Uint8Array.from(atob(message.Signature), (c) => c.charCodeAt(0));
  } catch {
    return "Signature is not base64";
  }
  try {
    const key = await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]);
    const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, new TextEncoder().encode(text));
    return ok ? undefined : "signature does not verify";
  } catch {
    return "signing certificate has no usable RSA key";
  }
}

/** The SubjectPublicKeyInfo (DER) of the first certificate in `pem`. */
export function publicKeyOfPem(pem: string): ArrayBuffer | undefined {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (match === null) return undefined;
  try {
    const der = Uint8Array.from(atob(match[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
    //   signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }
    const certificate = readTlv(der, 0);
    const tbs = readTlv(der, certificate.contentStart);
    let at = tbs.contentStart;
    let element = readTlv(der, at);
    if (der[at] === 0xa0) {
      at = element.end;
      element = readTlv(der, at);
    }
    // serialNumber, signature, issuer, validity, subject: five elements before the key.
    for (let i = 0; i < 5; i++) {
      at = element.end;
      element = readTlv(der, at);
    }
    if (der[at] !== 0x30) return undefined;
    return der.slice(at, element.end).buffer;
  } catch {
    return undefined;
  }
}

/** One DER element at `offset`: where its content starts and where it ends. */
function readTlv(der: Uint8Array, offset: number): { contentStart: number; end: number } {
  if (offset + 2 > der.length) throw new Error("truncated");
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error("unsupported length");
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[contentStart + i];
    contentStart += bytes;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error("truncated");
  return { contentStart, end };
}
