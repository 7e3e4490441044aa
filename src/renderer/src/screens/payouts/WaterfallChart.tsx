// The payout waterfall drawn as plain SVG. AG Charts 14 ships its `waterfall` and `range-bar` series in the
// enterprise edition only, and a stacked-bar imitation in community breaks whenever a running total crosses
// zero (fees above gross, a negative payout); SVG draws floating bars from exact minor-unit totals and takes
// the theme's CSS variables. The table beside it carries the exact amounts; this is for seeing the shape.
import { formatMoney, type DisplayPrefs } from '../../format/formatters.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import type { WaterfallBar, WaterfallChartData } from './waterfallData.ts';

const WIDTH = 640;
const HEIGHT = 250;
const MARGIN = { top: 18, right: 8, bottom: 38, left: 88 };

function barClass(bar: WaterfallBar): string {
  if (bar.kind === 'total') return 'wf-bar total';
  if (bar.kind === 'remainder') return bar.amountMinor === 0 ? 'wf-bar remainder zero' : 'wf-bar remainder';
  if (bar.amountMinor === 0) return 'wf-bar flat';
  return bar.amountMinor < 0 ? 'wf-bar down' : 'wf-bar up';
}

/** Category labels are at most two short lines under their bar. */
function labelLines(label: string): string[] {
  if (label.length <= 12) return [label];
  const cut = label.lastIndexOf(' ', 14);
  return cut > 0 ? [label.slice(0, cut), label.slice(cut + 1)] : [label];
}

function amountText(minor: number, currency: string, prefs: DisplayPrefs): string {
  return formatMoney(minor, currency, prefs, { code: false });
}

export function WaterfallChart({ data }: { data: WaterfallChartData }) {
  const prefs = useDisplayPrefs();
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const range = data.axisMaxMinor - data.axisMinMinor || 1;
  const y = (minor: number) => MARGIN.top + ((data.axisMaxMinor - minor) / range) * plotH;
  const band = plotW / data.bars.length;
  const barW = band * 0.62;
  const x = (i: number) => MARGIN.left + band * i + (band - barW) / 2;
  const first = data.bars[0];
  const total = data.bars[data.bars.length - 1];
  const title =
    first && total
      ? `Waterfall from ${first.label.toLowerCase()} ${amountText(first.amountMinor, data.currency, prefs)} to payout net ${amountText(total.amountMinor, data.currency, prefs)} ${data.currency}`
      : 'Payout waterfall';

  return (
    <figure className="wf-chart" aria-label="Waterfall chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        <title>{title}</title>
        {data.ticks.map((t) => (
          <g key={t} className={t === 0 ? 'wf-tick zero' : 'wf-tick'}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} />
            <text x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
              {amountText(t, data.currency, prefs)}
            </text>
          </g>
        ))}
        {data.bars.map((bar, i) => {
          const top = y(Math.max(bar.startMinor, bar.endMinor));
          const height = Math.max(Math.abs(y(bar.startMinor) - y(bar.endMinor)), 1.5);
          const next = data.bars[i + 1];
          return (
            <g key={bar.key} className={barClass(bar)}>
              <rect x={x(i)} y={bar.startMinor === bar.endMinor ? top - 0.75 : top} width={barW} height={height}>
                <title>{`${bar.label}: ${formatMoney(bar.amountMinor, data.currency, prefs)}`}</title>
              </rect>
              {next ? <line className="wf-connector" x1={x(i) + barW} x2={x(i + 1)} y1={y(bar.endMinor)} y2={y(bar.endMinor)} /> : null}
              <text className="wf-value" x={x(i) + barW / 2} y={top - 4} textAnchor="middle">
                {amountText(bar.amountMinor, data.currency, prefs)}
              </text>
              {labelLines(bar.label).map((line, n) => (
                <text key={n} className="wf-label" x={x(i) + barW / 2} y={HEIGHT - MARGIN.bottom + 14 + n * 12} textAnchor="middle">
                  {line}
                </text>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">Amounts in {data.currency}; the table below gives every step exactly.</figcaption>
    </figure>
  );
}
