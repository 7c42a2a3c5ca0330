// Every benchmark figure is reported next to a baseline measured in the same run, so the numbers
// mean something on any machine: "0.91× bare node:http" travels, "14,000 req/s" does not.

export interface Figure {
  /** Benchmark name, as accepted by --only. */
  bench: string;
  /** What was measured, e.g. "authorize hot, pipelining 10: throughput". */
  name: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number } | null;
  /** value ÷ baseline value (or, for "added" latencies, Keyward ÷ baseline). */
  ratio: number | null;
  /** The target in words, e.g. "≥ 0.85× bare"; null when the figure is informative only. */
  target: string | null;
  met: boolean | null;
  note?: string;
}

export interface FigureInput {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number } | null;
  ratio?: number | null;
  target?: { text: string; met: boolean } | null;
  note?: string;
}

/** Collects the figures of one benchmark. */
export class Recorder {
  readonly bench: string;
  readonly figures: Figure[] = [];

  constructor(bench: string) {
    this.bench = bench;
  }

  add(input: FigureInput): Figure {
    const baseline = input.baseline ?? null;
    const ratio = input.ratio !== undefined ? input.ratio : baseline && baseline.value !== 0 ? input.value / baseline.value : null;
    const figure: Figure = {
      bench: this.bench,
      name: input.name,
      value: input.value,
      unit: input.unit,
      baseline,
      ratio,
      target: input.target?.text ?? null,
      met: input.target ? input.target.met : null,
      ...(input.note ? { note: input.note } : {}),
    };
    this.figures.push(figure);
    return figure;
  }

  /** A figure that could not be measured, with the reason in words. */
  skip(name: string, reason: string): void {
    this.figures.push({
      bench: this.bench,
      name,
      value: Number.NaN,
      unit: '',
      baseline: null,
      ratio: null,
      target: null,
      met: null,
      note: reason,
    });
  }
}

export function formatNumber(value: number, unit: string): string {
  if (Number.isNaN(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${text} ${unit}` : text;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The table printed on screen: one line per figure, grouped by benchmark. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.bench,
    f.name,
    formatNumber(f.value, f.unit),
    f.baseline ? `${formatNumber(f.baseline.value, f.unit)} (${f.baseline.name})` : '',
    f.ratio === null || Number.isNaN(f.ratio) ? '' : `${f.ratio.toFixed(f.ratio < 10 ? 3 : 1)}×`,
    f.target ? `${f.met ? 'met' : 'MISSED'}: ${f.target}${f.note ? ` (${f.note})` : ''}` : (f.note ?? ''),
  ]);
  const header = ['bench', 'figure', 'value', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.min(80, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
