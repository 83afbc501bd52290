/**
 * One alert record in each receiver's own format:
 *
 * - Slack incoming webhook: `text` plus Block Kit (api.slack.com/messaging/webhooks);
 * - Microsoft Teams workflow webhook: an Adaptive Card attachment
 *   (learn.microsoft.com/connectors/teams/ "Post card in a chat or channel");
 * - PagerDuty Events API v2: trigger / resolve with the alert id as dedup_key
 *   (developer.pagerduty.com/docs/events-api-v2/trigger-events/);
 * - webhook: the record itself as JSON.
 */
import { type AlertRecord, PAGERDUTY_EVENTS_URL, type RelayReceiver } from "./contract";

export interface Delivery {
  readonly url: string;
  readonly body: unknown;
}

const icon = (record: AlertRecord): string =>
  record.state === "resolved" ? "RESOLVED" : record.severity === "critical" ? "FIRING" : "TICKET";

/** One line a person reads first. */
export function headline(record: AlertRecord): string {
  return `[${icon(record)}] ${record.title} (${record.source}, ${record.environment})`;
}

/** PagerDuty's severities: critical, error, warning, info. */
const pagerDutySeverity = (record: AlertRecord): string => record.severity;

/** The request for `receiver` (its `secret` is the URL, or the routing key for PagerDuty). */
export function deliveryFor(receiver: RelayReceiver, secret: string, record: AlertRecord): Delivery {
  switch (receiver.kind) {
    case "slack":
      return {
        url: secret,
        body: {
          text: headline(record),
          blocks: [
            { type: "header", text: { type: "plain_text", text: headline(record).slice(0, 150) } },
            { type: "section", text: { type: "mrkdwn", text: record.summary.slice(0, 2900) } },
            {
              type: "context",
              elements: [
                {
                  type: "mrkdwn",
                  text: `${record.at}${record.url === undefined ? "" : ` · <${record.url}|open in ${record.source}>`}`,
                },
              ],
            },
          ],
        },
      };
    case "teams":
      return {
        url: secret,
        body: {
          type: "message",
          attachments: [
            {
              contentType: "application/vnd.microsoft.card.adaptive",
              content: {
                $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                type: "AdaptiveCard",
                version: "1.4",
                body: [
                  {
                    type: "TextBlock",
                    size: "Large",
                    weight: "Bolder",
                    wrap: true,
                    text: headline(record),
                    color:
                      record.state === "resolved" ? "Good" : record.severity === "critical" ? "Attention" : "Warning",
                  },
                  { type: "TextBlock", wrap: true, text: record.summary },
                  {
                    type: "FactSet",
                    facts: [
                      { title: "State", value: record.state },
                      { title: "Since", value: record.at },
                      { title: "Source", value: record.source },
                    ],
                  },
                ],
                ...(record.url === undefined
                  ? {}
                  : { actions: [{ type: "Action.OpenUrl", title: `Open in ${record.source}`, url: record.url }] }),
              },
            },
          ],
        },
      };
    case "pagerduty":
      return {
        url: receiver.endpoint ?? PAGERDUTY_EVENTS_URL,
        body:
          record.state === "resolved"
            ? { routing_key: secret, event_action: "resolve", dedup_key: dedupKey(record) }
            : {
                routing_key: secret,
                event_action: "trigger",
                dedup_key: dedupKey(record),
                payload: {
                  summary: headline(record).slice(0, 1024),
                  source: `${record.service}-${record.environment}`,
                  severity: pagerDutySeverity(record),
                  timestamp: record.at,
                  component: record.title,
                  group: record.environment,
                  class: record.source,
                  custom_details: { summary: record.summary },
                },
                ...(record.url === undefined
                  ? {}
                  : { links: [{ href: record.url, text: `Open in ${record.source}` }] }),
              },
      };
    case "webhook":
    case "heartbeat":
      return { url: secret, body: record };
  }
}

/** PagerDuty groups trigger and resolve of one alert by this key (at most 255 characters). */
export const dedupKey = (record: AlertRecord): string => `${record.source}:${record.id}`.slice(0, 255);
