// Why a deposit does not equal the sales behind it: the payout's waterfall from gross sales to its net, as a
// chart for the shape and a table for the exact amounts (every step opens down to its items), the unexplained
// remainder always as its own step, then the bank line the payout arrived as or the exception saying it did not.
import { useState } from 'react';
import type { PayoutWaterfall } from '../../../../shared/api/contract.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { codeLabel, formatDate } from '../../format/formatters.ts';
import { businessDate } from '../../../../shared/time/period.ts';
import { WaterfallChart } from './WaterfallChart.tsx';
import { waterfallChartData, waterfallSteps, type WaterfallStepRow } from './waterfallData.ts';

type PayoutException = PayoutWaterfall['exceptions'][number];

export interface PayoutWaterfallViewProps {
  waterfall: PayoutWaterfall;
  onOpenException(exceptionId: string): void;
}

function StepItems({ step, id }: { step: WaterfallStepRow; id: string }) {
  const prefs = useDisplayPrefs();
  return (
    <tr id={id} className="wf-items-row">
      <td colSpan={4}>
        <div className="wf-items">
          <table className="simple" aria-label={`${step.label} items`}>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Item</th>
                <th scope="col">Id</th>
                <th scope="col" className="num">
                  Event amount
                </th>
                <th scope="col" className="num">
                  In this step
                </th>
              </tr>
            </thead>
            <tbody>
              {step.items.map((item) => (
                <tr key={item.eventId}>
                  <td>{formatDate(businessDate(item, prefs.timeZone), prefs.locale)}</td>
                  <td>
                    {item.kind} {item.counterparty ?? item.description ?? ''}
                    {item.orderRef !== null ? <span className="muted"> · #{item.orderRef}</span> : null}
                  </td>
                  <td className="mono">{item.externalId}</td>
                  <td className="num">
                    <Amount minor={item.amountMinor} currency={item.currency} />
                  </td>
                  <td className="num">
                    <Amount minor={item.stepAmountMinor} currency={item.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </td>
    </tr>
  );
}

function StepsTable({ waterfall }: { waterfall: PayoutWaterfall }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const steps = waterfallSteps(waterfall);
  const toggle = (key: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  const currency = waterfall.currency;
  return (
    <table className="simple wf-table" aria-label="Waterfall steps">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col" className="num">
            Items
          </th>
          <th scope="col" className="num">
            Amount
          </th>
          <th scope="col" className="num">
            Running total
          </th>
        </tr>
      </thead>
      <tbody>
        {steps.flatMap((step) => {
          const isRemainder = step.step === 'unexplained';
          const expanded = open.has(step.step);
          const itemsId = `wf-items-${waterfall.payout.eventId}-${step.step}`;
          const rowClass = isRemainder ? (step.amountMinor === 0 ? 'wf-remainder' : 'wf-remainder unexplained') : undefined;
          const rows = [
            <tr key={step.step} className={rowClass}>
              <th scope="row">
                {step.items.length > 0 ? (
                  <button
                    type="button"
                    className="ghost wf-toggle"
                    aria-expanded={expanded}
                    aria-controls={itemsId}
                    onClick={() => toggle(step.step)}
                  >
                    <span aria-hidden="true">{expanded ? '▾' : '▸'} </span>
                    {step.label}
                  </button>
                ) : (
                  <span className="wf-step-label">{step.label}</span>
                )}
                {isRemainder ? (
                  <span className={step.amountMinor === 0 ? 'wf-note muted' : 'wf-note badge unexplained'}>
                    {step.amountMinor === 0 ? 'fully explained' : 'not explained by the payout’s items'}
                  </span>
                ) : null}
              </th>
              <td className="num">{step.count}</td>
              <td className="num">
                <Amount minor={step.amountMinor} currency={currency} />
              </td>
              <td className="num">
                <Amount minor={step.endMinor} currency={currency} />
              </td>
            </tr>,
          ];
          if (expanded) rows.push(<StepItems key={`${step.step}-items`} step={step} id={itemsId} />);
          return rows;
        })}
      </tbody>
      <tfoot>
        <tr className="wf-total">
          <th scope="row">Payout net</th>
          <td />
          <td className="num">
            <Amount minor={waterfall.payoutNetMinor} currency={currency} />
          </td>
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

function ExceptionLine({ exception, onOpen }: { exception: PayoutException; onOpen(id: string): void }) {
  return (
    <li className="wf-exception">
      <span className="badge">{codeLabel(exception.code)}</span> <span>{exception.state.replace('_', ' ')}</span>{' '}
      <Amount minor={exception.amountMinor} currency={exception.currency} magnitude />{' '}
      <button
        type="button"
        title={exception.exceptionId}
        aria-label={`Open the ${codeLabel(exception.code).toLowerCase()} exception`}
        onClick={() => onOpen(exception.exceptionId)}
      >
        Open the exception
      </button>
    </li>
  );
}

function BankSection({ waterfall, onOpenException }: PayoutWaterfallViewProps) {
  const prefs = useDisplayPrefs();
  const bank = waterfall.bank;
  const notInBank = waterfall.exceptions.filter((e) => e.code === 'PAYOUT_NOT_IN_BANK');
  return (
    <section aria-label="Bank">
      <h3>Bank</h3>
      {bank !== null ? (
        <dl className="fields">
          <dt>Booked</dt>
          <dd>{formatDate(businessDate(bank.event, prefs.timeZone), prefs.locale)}</dd>
          <dt>Amount</dt>
          <dd>
            <Amount minor={bank.event.amountMinor} currency={bank.event.currency} kind={bank.event.kind} />
          </dd>
          <dt>Text</dt>
          <dd>{bank.event.description ?? '—'}</dd>
          <dt>Bank line</dt>
          <dd className="mono">{bank.event.externalId}</dd>
          <dt>Account</dt>
          <dd className="mono">{bank.event.source}</dd>
          <dt>Match</dt>
          <dd className="mono">{bank.matchId}</dd>
        </dl>
      ) : notInBank.length > 0 ? (
        <>
          <p className="wf-missing">No bank line matches this payout.</p>
          <ul className="wf-exceptions">
            {notInBank.map((e) => (
              <ExceptionLine key={e.exceptionId} exception={e} onOpen={onOpenException} />
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">No bank line matches this payout yet, and its bank window is still open: it is pending.</p>
      )}
    </section>
  );
}

export function PayoutWaterfallView({ waterfall, onOpenException }: PayoutWaterfallViewProps) {
  const prefs = useDisplayPrefs();
  const chart = waterfallChartData(waterfall);
  const payout = waterfall.payout;
  const others = waterfall.exceptions.filter((e) => waterfall.bank !== null || e.code !== 'PAYOUT_NOT_IN_BANK');
  return (
    <div className="payout-waterfall">
      <dl className="fields">
        <dt>Payout</dt>
        <dd className="mono">{payout.externalId}</dd>
        <dt>Source</dt>
        <dd className="mono">{payout.source}</dd>
        <dt>Date</dt>
        <dd>{formatDate(businessDate(payout, prefs.timeZone), prefs.locale)}</dd>
        <dt>Net</dt>
        <dd>
          <Amount minor={waterfall.payoutNetMinor} currency={waterfall.currency} />
        </dd>
      </dl>
      <p className={waterfall.unexplainedMinor === 0 ? 'wf-verdict' : 'wf-verdict unexplained'} role="status">
        {waterfall.unexplainedMinor === 0 ? (
          <>Fully explained: the payout’s items add up to its net.</>
        ) : (
          <>
            <Amount minor={waterfall.unexplainedMinor} currency={waterfall.currency} attention /> of the payout net is not explained by its items.
          </>
        )}
      </p>
      {chart.balanced ? null : (
        <p className="field-error" role="alert">
          The steps add up to <Amount minor={chart.stepsEndMinor} currency={waterfall.currency} />, not to the payout net: the figures below are as
          the backend reported them.
        </p>
      )}
      <WaterfallChart data={chart} />
      <StepsTable key={payout.eventId} waterfall={waterfall} />
      <BankSection waterfall={waterfall} onOpenException={onOpenException} />
      {others.length > 0 ? (
        <section aria-label="Exceptions on this payout">
          <h3>Exceptions on this payout</h3>
          <ul className="wf-exceptions">
            {others.map((e) => (
              <ExceptionLine key={e.exceptionId} exception={e} onOpen={onOpenException} />
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
