// `tieout growth` as text: the day × platform table with each row's gap breakdown, then spend ↔ billing ↔ cash,
// orders ↔ shipments and the campaign-ready figure.
import type { GrowthReport, GrowthRow } from '../../shared/growth/growthReport.ts';
import { formatAmount } from '../../shared/money/amountText.ts';

const PART_LABELS: ReadonlyArray<[keyof NonNullable<GrowthRow['breakdown']>, string]> = [
  ['refundedOrCancelledMinor', 'refunded/cancelled'],
  ['testOrDraftMinor', 'test/draft'],
  ['timeZoneShiftMinor', 'time-zone shift'],
  ['currencyMinor', 'currency'],
  ['duplicatesMinor', 'duplicates'],
  ['residualMinor', 'attribution window/view-through'],
];

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function formatGrowth(r: GrowthReport): string {
  const m = (minor: number | null, currency = r.currency): string => (minor === null ? '-' : formatAmount(minor, currency, { grouping: true }));
  const out: string[] = [];
  const zones = Object.entries(r.platformTimeZones)
    .map(([p, z]) => `${p} ${z}`)
    .join(', ');
  out.push(`growth ${r.period} in ${r.currency}; store days in ${r.storeTimeZone}${zones === '' ? '' : `; platform days: ${zones}`}`);
  out.push('');
  out.push(
    ['date', 'platform', 'spend', 'billed', 'conv.', 'platform value', 'orders', 'store net', 'gap']
      .map((h, i) => pad(h, [10, 16, 12, 12, 7, 14, 6, 12, 12][i] as number, i > 1))
      .join('  '),
  );
  for (const row of r.rows) {
    const quiet =
      row.spendMinor === null && row.platformValueMinor === null && row.storeOrders === 0 && row.storeNetMinor === 0 && (row.gapMinor ?? 0) === 0;
    if (quiet) continue;
    out.push(
      [
        pad(row.date, 10),
        pad(row.platform, 16),
        pad(m(row.spendMinor), 12, true),
        pad(m(row.billedMinor), 12, true),
        pad(row.platformConversions === null ? '-' : String(row.platformConversions), 7, true),
        pad(m(row.platformValueMinor), 14, true),
        pad(String(row.storeOrders), 6, true),
        pad(m(row.storeNetMinor), 12, true),
        pad(m(row.gapMinor), 12, true),
      ].join('  '),
    );
    if (row.breakdown !== null && row.gapMinor !== 0) {
      const parts = PART_LABELS.filter(([k]) => (row.breakdown as NonNullable<GrowthRow['breakdown']>)[k] !== 0).map(
        ([k, label]) => `${label} ${m((row.breakdown as NonNullable<GrowthRow['breakdown']>)[k])}`,
      );
      if (parts.length > 0) out.push(`${' '.repeat(12)}gap = ${parts.join(' + ')}`);
    }
  }
  for (const t of r.periodTotals) {
    out.push(
      `period total ${t.platform} (${t.source}) ${t.start}..${t.end}: spend ${m(t.spendMinor, t.currency)}, value ${m(t.platformValueMinor, t.currency)} (not spread over days)`,
    );
  }
  for (const u of r.unconverted) {
    out.push(
      `not in ${r.currency} (no FX basis): ${u.platform} ${u.currency}: spend ${m(u.spendMinor, u.currency)}, value ${m(u.valueMinor, u.currency)}, ${u.orders} orders`,
    );
  }
  out.push('');
  out.push('spend ↔ billing ↔ cash');
  for (const b of r.spendBilling) {
    out.push(
      `  ${b.platform} ${b.currency}: spend ${m(b.spendMinor, b.currency)} − credits ${m(b.creditsMinor, b.currency)} + tax ${m(b.taxMinor, b.currency)} = ` +
        `${m(b.expectedBilledMinor, b.currency)} to bill; billed ${m(b.billedMinor, b.currency)} (unbilled ${m(b.unbilledMinor, b.currency)}` +
        `${b.failedChargesMinor > 0 ? `, failed charges ${m(b.failedChargesMinor, b.currency)}` : ''}); paid in cash ${m(b.cashMinor, b.currency)}`,
    );
    for (const c of b.chargesWithoutCash)
      out.push(`    charge ${c.transactionId ?? c.eventId} ${c.date} ${m(c.amountMinor, b.currency)}: no card or bank debit found`);
    for (const c of b.cashWithoutCharge) out.push(`    debit ${c.date} ${m(c.amountMinor, b.currency)} "${c.description ?? ''}": no billing record`);
  }
  const s = r.shipments;
  out.push('');
  out.push(
    `orders ↔ shipments: ${s.orders} orders, ${s.shipped} shipped, ${s.notShipped} not shipped (${s.paidNotShippedLate} paid and unshipped after ${s.paidNotShippedDays} days)`,
  );
  for (const p of s.problems.slice(0, 50)) {
    out.push(
      `  ${p.orderName} ${p.date} ${p.status.replace(/_/g, ' ')}: ordered ${p.orderedQuantity ?? '?'}, shipped ${p.shippedQuantity} in ${p.shipments} shipment(s)${p.voidedLabels > 0 ? `, ${p.voidedLabels} voided label(s) costing ${m(p.voidedCostMinor)}` : ''}`,
    );
  }
  for (const o of s.orphanShipments.slice(0, 50)) {
    out.push(
      `  shipment ${o.trackingNumber ?? o.eventId} ${o.date} for "${o.orderNumber}": ${o.mangledOrderId ? 'order id mangled by a spreadsheet, not matched' : 'no such order'}`,
    );
  }
  out.push('');
  const y = r.campaignReady.find((c) => c.date === r.yesterday);
  out.push(
    y === undefined || y.share === null
      ? 'campaign-ready: no store revenue yesterday'
      : `campaign-ready ${y.date}: ${(y.share * 100).toFixed(1)}% of the day's store revenue (${m(y.tiedOutMinor)} of ${m(y.storeNetMinor)}) is tied out to cash`,
  );
  return `${out.join('\n')}\n`;
}
