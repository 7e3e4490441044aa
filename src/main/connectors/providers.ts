// Each provider's sync steps and page formats, in one table (the connectors' counterpart of formatRegistry.ts).
import type { Provider, SyncStep } from './connectorTypes.ts';
import type { PageFormat } from './pages/pageFormat.ts';
import { stripeSteps } from './stripe/stripeConnector.ts';
import { stripeApiPageFormat } from './stripe/stripePages.ts';
import { shopifySteps } from './shopify/shopifyConnector.ts';
import { shopifyBulkOrdersFormat, shopifyGraphqlPageFormat } from './shopify/shopifyPages.ts';
import { paypalSteps } from './paypal/paypalConnector.ts';
import { paypalReportingPageFormat } from './paypal/paypalPages.ts';

export function stepsFor(provider: Provider): SyncStep[] {
  switch (provider) {
    case 'stripe':
      return stripeSteps();
    case 'shopify':
      return shopifySteps();
    case 'paypal':
      return paypalSteps();
  }
}

/** Every page format, for a replay to find the one a stored page was landed with. */
export const PAGE_FORMATS: readonly PageFormat[] = [
  stripeApiPageFormat,
  shopifyGraphqlPageFormat,
  shopifyBulkOrdersFormat,
  paypalReportingPageFormat,
];

export function pageFormatNamed(format: string): PageFormat | undefined {
  return PAGE_FORMATS.find((f) => f.format === format);
}
