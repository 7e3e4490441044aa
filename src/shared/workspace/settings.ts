// workspace.json: the settings of one workspace (a company or entity), validated on every open.
import { z } from 'zod';
import { isCurrencyCode } from '../money/currencies.ts';

export const WorkspaceSettingsSchema = z.object({
  format: z.literal('tieout-workspace'),
  version: z.literal(1),
  name: z.string().min(1).max(200),
  reporting_currency: z.string().refine(isCurrencyCode, 'reporting_currency must be an ISO 4217 code such as USD or EUR'),
  time_zone: z.string().min(1),
  locale: z.string().min(2),
  /** Above this amount (minor units of the reporting currency) a human signs off any exception. */
  policy_gate_minor: z.number().int().nonnegative().optional(),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;
