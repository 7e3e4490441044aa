// `tieout growth`: the growth tie-out for a month (src/main/growth/growthReport.ts), as text or JSON.
import { openWorkspace } from '../workspace/workspace.ts';
import { computeGrowth, GrowthError } from '../growth/growthReport.ts';
import { formatGrowth } from '../growth/growthText.ts';
import { type CliIo, parse, UsageError } from './cliSupport.ts';

export function cmdGrowth(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { period: { type: 'string' }, format: { type: 'string' }, 'paid-not-shipped-days': { type: 'string' } },
    1,
  );
  if (positionals.length > 1) throw new UsageError('growth takes one WORKSPACE');
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const daysText = values['paid-not-shipped-days'] as string | undefined;
  if (daysText !== undefined && !/^\d{1,3}$/.test(daysText)) throw new UsageError('--paid-not-shipped-days must be a whole number of days');
  const ws = openWorkspace(positionals[0] as string);
  try {
    let report;
    try {
      report = computeGrowth(ws.db, ws.settings, {
        period: values.period as string | undefined,
        paidNotShippedDays: daysText === undefined ? undefined : Number(daysText),
      });
    } catch (err) {
      if (err instanceof GrowthError) throw new UsageError(err.message);
      throw err;
    }
    io.out(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatGrowth(report));
    return 0;
  } finally {
    ws.close();
  }
}
