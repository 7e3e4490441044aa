// The message a person sends about an exception, one per family (finance: order-to-cash and bank; growth: ads and
// fulfillment), with {placeholders} the card and the ticket fill in. A workspace may replace either template
// (workspace.json `communication_templates`).
import { z } from 'zod';

export const CommunicationTemplatesSchema = z
  .object({ finance: z.string().min(1).max(8000).optional(), growth: z.string().min(1).max(8000).optional() })
  .strict();
export type CommunicationTemplates = z.infer<typeof CommunicationTemplatesSchema>;

export const TEMPLATE_FIELDS = [
  'workspace',
  'exception_id',
  'code',
  'title',
  'tier',
  'amount',
  'summary',
  'events',
  'owner',
  'owner_name',
  'backup',
  'due',
  'steps',
  'me',
] as const;
export type TemplateValues = Record<(typeof TEMPLATE_FIELDS)[number], string>;

export const DEFAULT_TEMPLATES: Readonly<Record<'finance' | 'growth', string>> = {
  finance: `Subject: [{workspace}] {code} – {amount} to clear by {due}

Hi {owner_name},

The reconciliation found: {title} ({code}, {tier}).
{summary}

Amount at stake: {amount}
Records involved:
{events}

Please follow the playbook:
{steps}

Due by {due}; backup: {backup}.
Reference: {exception_id}
{me}`,
  growth: `Subject: [{workspace}] {code} – what the ad and fulfillment figures do not tie to

Hi {owner_name},

The growth vs finance tie-out found: {title} ({code}, {tier}).
{summary}

Value concerned: {amount}
Records involved:
{events}

Before the next budget or fulfillment decision, please:
{steps}

Due by {due}; backup: {backup}.
Reference: {exception_id}
{me}`,
};

/** Replaces each {field} the values know; unknown braces are left as written. */
export function fillTemplate(template: string, values: Partial<TemplateValues>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? ((values as Record<string, string>)[name] ?? '') : whole,
  );
}
