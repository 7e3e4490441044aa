// The campaign-ready figure: the share of a day's store revenue already tied out to cash, i.e. each order matched to
// its payment, the payment to a payout, and the payout to a bank credit (read from the active matches). The day
// before the ledger's latest event is "yesterday": the figure growth waits for before trusting a day's numbers.
import type { LedgerDb } from '../ledger/database.ts';
import type { z } from 'zod';
import type { CampaignReadySchema } from '../../shared/growth/growthReport.ts';
import { convertedValues } from './dayTable.ts';
import { dayIn, type OrderFacts } from './orderFacts.ts';

type CampaignReady = z.infer<typeof CampaignReadySchema>;

/**
 * Orders (source and external id, so any revision counts) whose payment is paid out in a payout that is in the bank:
 * order_payment → payout_items → bank_payout, every match active.
 */
export function ordersTiedToCash(db: LedgerDb): Set<string> {
  const rows = db
    .prepare(
      // First the payouts' item matches whose payout is in the bank (a few per month), then the payments they hold and
      // those payments' orders. CROSS JOIN fixes that order: from the orders' side, each order would read every member
      // of its payout's item match (hundreds), and the planner without statistics may pair every order_payment match
      // with every payout_items one.
      `WITH banked AS (
         SELECT DISTINCT pi.seq
           FROM matches pi
           CROSS JOIN match_members pi_po ON pi_po.match_seq = pi.seq AND pi_po.side = 'left'
           CROSS JOIN match_members bp_po ON bp_po.event_seq = pi_po.event_seq AND bp_po.side = 'left'
           CROSS JOIN matches bp ON bp.seq = bp_po.match_seq AND bp.link = 'bank_payout' AND bp.ended_at IS NULL
          WHERE pi.link = 'payout_items' AND pi.ended_at IS NULL)
       SELECT DISTINCT o.source, o.external_id
         FROM banked
         CROSS JOIN match_members pi_p ON pi_p.match_seq = banked.seq AND pi_p.side = 'right'
         CROSS JOIN match_members op_p ON op_p.event_seq = pi_p.event_seq AND op_p.side = 'right'
         CROSS JOIN matches op ON op.seq = op_p.match_seq AND op.link = 'order_payment' AND op.ended_at IS NULL
         CROSS JOIN match_members op_o ON op_o.match_seq = op.seq AND op_o.side = 'left'
         CROSS JOIN events o ON o.seq = op_o.event_seq`,
    )
    .raw()
    .all() as Array<[string, string]>;
  return new Set(rows.map(([s, id]) => `${s}\u0000${id}`));
}

export function campaignReadyByDay(
  days: readonly string[],
  orders: readonly OrderFacts[],
  tied: ReadonlySet<string>,
  currency: string,
  storeTimeZone: string,
  converted: ReadonlyMap<number, number>,
): CampaignReady[] {
  const byDay = new Map<string, { net: number; tied: number }>(days.map((d) => [d, { net: 0, tied: 0 }]));
  for (const o of orders) {
    if (o.excluded !== null) continue;
    const cell = byDay.get(dayIn(o.placedAt, storeTimeZone));
    const values = convertedValues(o, currency, converted);
    if (cell === undefined || values === null) continue;
    cell.net += values.net;
    if (tied.has(`${o.event.source}\u0000${o.event.externalId}`)) cell.tied += values.net;
  }
  return days.map((date) => {
    const c = byDay.get(date) as { net: number; tied: number };
    return { date, storeNetMinor: c.net, tiedOutMinor: c.tied, share: c.net === 0 ? null : Math.round((c.tied / c.net) * 10_000) / 10_000 };
  });
}
