// The growth tie-out's exception codes (issue 15) and the owner domain each belongs to (DESIGN §7): `ads` for spend,
// billing and claimed revenue, `fulfillment` for orders ↔ shipments. The Exceptions screen's Fulfillment queue is
// FULFILLMENT_CODES; docs/matching.md states what each code means and its amount at stake.
import type { ExceptionCode } from '../rules/ruleSet.ts';

export const ADS_CODES = [
  'SPEND_NOT_BILLED',
  'BILLED_NOT_SPENT',
  'CARD_CHARGE_NO_BILLING',
  'CONVERSIONS_WITHOUT_ORDERS',
] as const satisfies readonly ExceptionCode[];

export const FULFILLMENT_CODES = [
  'PAID_NOT_SHIPPED',
  'SHIPPED_NOT_PAID',
  'REFUNDED_BUT_SHIPPED',
  'ORPHAN_SHIPMENT',
  'VOIDED_LABEL_CHARGED',
  'SHIPPED_QUANTITY_MISMATCH',
] as const satisfies readonly ExceptionCode[];

export type GrowthExceptionCode = (typeof ADS_CODES)[number] | (typeof FULFILLMENT_CODES)[number];

export const GROWTH_CODES: readonly GrowthExceptionCode[] = [...ADS_CODES, ...FULFILLMENT_CODES];
