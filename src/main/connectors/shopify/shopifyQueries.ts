// The GraphQL the Shopify connector sends: orders with their transactions, refunds and line items (paged, or as one
// bulk operation for a backfill), Shopify Payments balance transactions and payouts.

/** An order's fields: what the orders export gives (shopifyOrdersCsv.ts) and the order event is made of. */
const ORDER_FIELDS = `
      id legacyResourceId name email createdAt updatedAt processedAt cancelledAt sourceName test
      displayFinancialStatus displayFulfillmentStatus paymentGatewayNames
      totalPriceSet { shopMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalShippingPriceSet { shopMoney { amount currencyCode } }
      totalTaxSet { shopMoney { amount currencyCode } }
      totalDiscountsSet { shopMoney { amount currencyCode } }
      totalRefundedSet { shopMoney { amount currencyCode } }
      totalOutstandingSet { shopMoney { amount currencyCode } }
      customAttributes { key value }
      transactions(first: 50) { id kind status gateway paymentId processedAt amountSet { shopMoney { amount currencyCode } } }
      refunds(first: 50) { id createdAt totalRefundedSet { shopMoney { amount currencyCode } } }
      fulfillments(first: 20) { createdAt status }`;

/** Orders changed in a window, oldest change first, a page at a time. Line items: quantities only. */
export const ORDERS_QUERY = `query Orders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {${ORDER_FIELDS}
      lineItems(first: 100) { nodes { quantity unfulfilledQuantity } }
    }
  }
}`;

/** The same orders as one bulk operation (a backfill): connections as edges, line items as their own JSONL lines. */
export function bulkOrdersQuery(search: string): string {
  return `{
  orders(query: ${JSON.stringify(search)}) {
    edges { node {${ORDER_FIELDS}
      lineItems { edges { node { quantity unfulfilledQuantity } } }
    } }
  }
}`;
}

export const BULK_RUN_MUTATION = `mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status createdAt }
    userErrors { field message }
  }
}`;

export const BULK_STATUS_QUERY = `query BulkStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl createdAt completedAt } }
}`;

export const BALANCE_TRANSACTIONS_QUERY = `query BalanceTransactions($first: Int!, $after: String, $query: String) {
  shopifyPaymentsAccount {
    balanceTransactions(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id type test transactionDate sourceType sourceId sourceOrderTransactionId adjustmentReason
        amount { amount currencyCode } fee { amount currencyCode } net { amount currencyCode }
        associatedOrder { id name }
        associatedPayout { id status }
      }
    }
  }
}`;

export const PAYOUTS_QUERY = `query Payouts($first: Int!, $after: String, $query: String) {
  shopifyPaymentsAccount {
    payouts(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id legacyResourceId issuedAt status transactionType
        net { amount currencyCode }
        summary { chargesGross { amount } chargesFee { amount } refundsFeeGross { amount } adjustmentsGross { amount } }
      }
    }
  }
}`;

/** A single order's payments, for remediation (MISSING_PAYMENT): its transactions as Shopify records them. */
export const ORDER_PAYMENTS_QUERY = `query OrderPayments($query: String!) {
  orders(first: 5, query: $query) {
    nodes {${ORDER_FIELDS}
      lineItems(first: 100) { nodes { quantity unfulfilledQuantity } }
    }
  }
}`;

export const PAYOUT_QUERY = `query Payout($id: ID!) {
  node(id: $id) { ... on ShopifyPaymentsPayout { id legacyResourceId issuedAt status transactionType net { amount currencyCode } } }
}`;
