// "Open the demo month": a generated month (shop orders, card payments and payouts, bank statement, ad spend and billing, shipments) imported
// and reconciled into a new folder, to see Tieout at work before bringing real files.
import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../store/storeContext.tsx';
import { FormField } from '../settings/FormField.tsx';
import { callFailure } from './firstLaunchErrors.ts';
import type { FirstLaunchRunner } from './firstLaunchTypes.ts';
import { useSuggestedPath } from './useSuggestedPath.ts';

export const DEMO_ORDERS = { min: 200, max: 5000, initial: 500 } as const;

export function DemoMonthPanel({ runner }: { runner: FirstLaunchRunner }) {
  const store = useAppStore();
  const [orders, setOrders] = useState(String(DEMO_ORDERS.initial));
  const [typedPath, setTypedPath] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ orders?: string; path?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const suggestedPath = useSuggestedPath('Demo month');
  const path = typedPath ?? suggestedPath ?? '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const count = Number(orders.trim());
    const found: { orders?: string; path?: string } = {};
    if (!Number.isInteger(count) || count < DEMO_ORDERS.min || count > DEMO_ORDERS.max) {
      found.orders = `Enter a whole number from ${DEMO_ORDERS.min} to ${DEMO_ORDERS.max.toLocaleString('en-US')}.`;
    }
    if (path.trim() === '') found.path = 'Choose a folder for the demo workspace.';
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    const err = await runner.run('demo', () => store.getState().createDemo({ path: path.trim(), orders: count }));
    if (err === null) return;
    const f = callFailure(err, ['path', 'orders']);
    if (f.field === 'path' || f.field === 'orders') setErrors({ [f.field]: f.message });
    else setFailure(f.message);
  }

  return (
    <form className="panel first-launch-path" aria-labelledby="demo-month-heading" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="demo-month-heading">Open the demo month</h2>
      <p className="muted">
        A generated month of shop orders, card payments, payouts and bank lines, Meta and Google ad spend and billing, and ShipStation shipments,
        imported and reconciled, with exceptions of every kind to explore. Nothing of yours is touched.
      </p>
      <div className="first-launch-fields">
        <FormField id="demo-orders" label="Orders" error={errors.orders} hint={`${DEMO_ORDERS.min} to ${DEMO_ORDERS.max.toLocaleString('en-US')}`}>
          <input
            className="num orders-input"
            type="number"
            min={DEMO_ORDERS.min}
            max={DEMO_ORDERS.max}
            step={100}
            value={orders}
            onChange={(e) => {
              setOrders(e.target.value);
              setErrors(({ orders: _cleared, ...rest }) => rest);
            }}
          />
        </FormField>
        <FormField id="demo-path" label="Folder" error={errors.path} className="wide">
          <input
            className="mono"
            value={path}
            spellCheck={false}
            onChange={(e) => {
              setTypedPath(e.target.value === '' ? null : e.target.value);
              setErrors(({ path: _cleared, ...rest }) => rest);
            }}
          />
        </FormField>
      </div>
      {failure !== null && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={runner.busy !== null}>
          {runner.busy === 'demo' ? 'Creating the demo month…' : 'Open the demo month'}
        </button>
      </div>
    </form>
  );
}
