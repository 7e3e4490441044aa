// The quick searches' test of an event's readable texts (src/shared/events/eventText.ts) in SQL.
import { COUNTERPARTY_ATTRIBUTES, DESCRIPTION_ATTRIBUTES } from '../../shared/events/eventText.ts';

/**
 * SQL testing whether one of an event's readable texts contains a LIKE pattern (`@like`, `\` escaping): the quick
 * searches find "Office rent" or "ACME GmbH" as well as ids.
 */
export const EVENT_TEXT_LIKE_SQL = [...COUNTERPARTY_ATTRIBUTES, ...DESCRIPTION_ATTRIBUTES]
  .map((a) => `json_extract(e.attributes, '$.${a}') LIKE @like ESCAPE '\\'`)
  .join(' OR ');
