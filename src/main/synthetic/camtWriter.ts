// Writes camt.053 statements (.001.02 or .001.08 layout) from entries and balances, as text chunks, for tests, benchmarks and demos.
import { minorToDecimalString } from '../../shared/money/amountText.ts';
import { escapeXml } from '../import/text/xmlStream.ts';

export type CamtVersion = '02' | '08';

/** One transaction of a batch entry. */
export interface CamtWriterPart {
  amountMinor: number;
  reference?: string | null;
  endToEndId?: string | null;
  counterpartyName?: string | null;
  remittance?: string | null;
}

export interface CamtWriterEntry {
  /** Signed minor units: credit positive, debit negative. */
  amountMinor: number;
  bookingDate: string;
  valueDate?: string | null;
  /** Write the booking date as BookgDt/DtTm (noon, +01:00) instead of BookgDt/Dt. */
  bookingDateTime?: boolean;
  reference?: string | null;
  endToEndId?: string | null;
  counterpartyName?: string | null;
  counterpartyAccount?: string | null;
  remittance?: string | null;
  remittanceStructured?: string | null;
  reversal?: boolean;
  /** "PMNT-RCDT-ESCT" (domain-family-subfamily) or a proprietary code. */
  transactionCode?: string | null;
  returnReason?: string | null;
  /** A batch: the parts must add up to amountMinor for a reader to split it. */
  parts?: CamtWriterPart[];
}

export interface CamtWriterStatement {
  id: string;
  account: string;
  currency: string;
  openingMinor: number | null;
  closingMinor: number | null;
  /** Further balances (ITBD, CLAV, …) by type code. */
  otherBalances?: Record<string, number>;
  /** Any iterable, so a 100,000-entry statement never exists in memory at once. */
  entries: Iterable<CamtWriterEntry>;
}

export interface CamtWriterOptions {
  version?: CamtVersion;
  messageId?: string;
  createdAt?: string;
}

/** Decimal text of unsigned minor units, as camt writes amounts. */
function amountText(minor: number, currency: string): string {
  return minorToDecimalString(Math.abs(minor), currency);
}

function indicator(minor: number): string {
  return minor < 0 ? 'DBIT' : 'CRDT';
}

function el(name: string, value: string | null | undefined): string {
  return value === null || value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
}

function balanceXml(type: string, minor: number, currency: string, date: string): string {
  return (
    `<Bal><Tp><CdOrPrtry><Cd>${escapeXml(type)}</Cd></CdOrPrtry></Tp>` +
    `<Amt Ccy="${currency}">${amountText(minor, currency)}</Amt><CdtDbtInd>${indicator(minor)}</CdtDbtInd>` +
    `<Dt><Dt>${date}</Dt></Dt></Bal>\n`
  );
}

function codeXml(code: string | null | undefined): string {
  if (code === null || code === undefined) return '';
  const [domain, family, sub] = code.split('-');
  if (domain !== undefined && family !== undefined && sub !== undefined && /^[A-Z]{4}-[A-Z]{4}-[A-Z]{4}$/.test(code)) {
    return `<BkTxCd><Domn><Cd>${domain}</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>${sub}</SubFmlyCd></Fmly></Domn></BkTxCd>`;
  }
  return `<BkTxCd><Prtry><Cd>${escapeXml(code)}</Cd></Prtry></BkTxCd>`;
}

function partyXml(version: CamtVersion, credit: boolean, name: string | null | undefined, account: string | null | undefined): string {
  if ((name ?? null) === null && (account ?? null) === null) return '';
  const role = credit ? 'Dbtr' : 'Cdtr';
  const nm = el('Nm', name);
  const party = nm === '' ? '' : version === '08' ? `<${role}><Pty>${nm}</Pty></${role}>` : `<${role}>${nm}</${role}>`;
  const acct = account === null || account === undefined ? '' : `<${role}Acct><Id><IBAN>${escapeXml(account)}</IBAN></Id></${role}Acct>`;
  return `<RltdPties>${party}${acct}</RltdPties>`;
}

function txXml(version: CamtVersion, e: CamtWriterEntry, currency: string): string {
  const credit = e.amountMinor >= 0 !== (e.reversal === true);
  const refs = e.endToEndId != null ? `<Refs>${el('EndToEndId', e.endToEndId)}</Refs>` : '';
  const rmt =
    e.remittance != null || e.remittanceStructured != null
      ? `<RmtInf>${el('Ustrd', e.remittance)}${e.remittanceStructured != null ? `<Strd><CdtrRefInf>${el('Ref', e.remittanceStructured)}</CdtrRefInf></Strd>` : ''}</RmtInf>`
      : '';
  const rtr = e.returnReason != null ? `<RtrInf><Rsn>${el('Cd', e.returnReason)}</Rsn></RtrInf>` : '';
  const amt =
    version === '08' ? `<Amt Ccy="${currency}">${amountText(e.amountMinor, currency)}</Amt><CdtDbtInd>${indicator(e.amountMinor)}</CdtDbtInd>` : '';
  return `<TxDtls>${refs}${amt}${partyXml(version, credit, e.counterpartyName, e.counterpartyAccount)}${rmt}${rtr}</TxDtls>`;
}

function partXml(version: CamtVersion, p: CamtWriterPart, entry: CamtWriterEntry, currency: string): string {
  const refs = p.reference != null || p.endToEndId != null ? `<Refs>${el('AcctSvcrRef', p.reference)}${el('EndToEndId', p.endToEndId)}</Refs>` : '';
  const amount = `<Amt Ccy="${currency}">${amountText(p.amountMinor, currency)}</Amt>`;
  // .02 has no TxDtls/CdtDbtInd: a part there takes the entry's direction.
  const amt = version === '08' ? `${amount}<CdtDbtInd>${indicator(p.amountMinor)}</CdtDbtInd>` : `<AmtDtls><TxAmt>${amount}</TxAmt></AmtDtls>`;
  const credit = p.amountMinor >= 0 !== (entry.reversal === true);
  const rmt = p.remittance != null ? `<RmtInf>${el('Ustrd', p.remittance)}</RmtInf>` : '';
  return `<TxDtls>${refs}${amt}${partyXml(version, credit, p.counterpartyName, null)}${rmt}</TxDtls>`;
}

function entryXml(version: CamtVersion, e: CamtWriterEntry, currency: string): string {
  const booking = e.bookingDateTime === true ? `<DtTm>${e.bookingDate}T12:00:00+01:00</DtTm>` : `<Dt>${e.bookingDate}</Dt>`;
  const status = version === '08' ? '<Sts><Cd>BOOK</Cd></Sts>' : '<Sts>BOOK</Sts>';
  const details =
    e.parts !== undefined && e.parts.length > 0
      ? `<NtryDtls><Btch><NbOfTxs>${e.parts.length}</NbOfTxs></Btch>${e.parts.map((p) => partXml(version, p, e, currency)).join('')}</NtryDtls>`
      : `<NtryDtls>${txXml(version, e, currency)}</NtryDtls>`;
  return (
    `<Ntry><Amt Ccy="${currency}">${amountText(e.amountMinor, currency)}</Amt><CdtDbtInd>${indicator(e.amountMinor)}</CdtDbtInd>` +
    `${e.reversal === true ? '<RvslInd>true</RvslInd>' : ''}${status}<BookgDt>${booking}</BookgDt>` +
    `${e.valueDate != null ? `<ValDt><Dt>${e.valueDate}</Dt></ValDt>` : ''}${el('AcctSvcrRef', e.reference)}` +
    `${codeXml(e.transactionCode)}${details}</Ntry>\n`
  );
}

function statementHead(s: CamtWriterStatement, createdAt: string): string {
  const date = createdAt.slice(0, 10);
  let xml = `<Stmt><Id>${escapeXml(s.id)}</Id><CreDtTm>${createdAt}</CreDtTm>`;
  xml += `<Acct><Id><IBAN>${escapeXml(s.account)}</IBAN></Id><Ccy>${s.currency}</Ccy></Acct>\n`;
  if (s.openingMinor !== null) xml += balanceXml('OPBD', s.openingMinor, s.currency, date);
  if (s.closingMinor !== null) xml += balanceXml('CLBD', s.closingMinor, s.currency, date);
  for (const [type, minor] of Object.entries(s.otherBalances ?? {})) xml += balanceXml(type, minor, s.currency, date);
  return xml;
}

/** The statements as one camt.053 document, in chunks of about `chunkSize` characters. */
export function* camtChunks(statements: Iterable<CamtWriterStatement>, options: CamtWriterOptions = {}, chunkSize = 65536): Generator<string> {
  const version = options.version ?? '02';
  const createdAt = options.createdAt ?? '2024-01-31T18:00:00+01:00';
  let buffer =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">\n` +
    `<BkToCstmrStmt><GrpHdr><MsgId>${escapeXml(options.messageId ?? 'TIEOUT-SYNTHETIC')}</MsgId><CreDtTm>${createdAt}</CreDtTm></GrpHdr>\n`;
  for (const s of statements) {
    buffer += statementHead(s, createdAt);
    for (const e of s.entries) {
      buffer += entryXml(version, e, s.currency);
      if (buffer.length >= chunkSize) {
        yield buffer;
        buffer = '';
      }
    }
    buffer += '</Stmt>\n';
  }
  yield `${buffer}</BkToCstmrStmt>\n</Document>\n`;
}

/** The statements as one camt.053 document string (small statements; use camtChunks for large ones). */
export function writeCamt053(statements: Iterable<CamtWriterStatement>, options: CamtWriterOptions = {}): string {
  return [...camtChunks(statements, options)].join('');
}
