/**
 * The report's charts, drawn with Chart.js on a canvas the element owns: bars, one colour and
 * one pattern per series (so no series is told by colour alone), every colour at least 3:1
 * against the background, values under five marked "< 5" on the chart rather than drawn as 0.
 * No animation, no tooltips (the table under each chart carries the figures), nothing injected
 * into the page: Chart.js sizes its canvas through the CSS object model, which a strict CSP allows.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, type ChartConfiguration, type Plugin } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);

/** One chart: categories along one axis (periods, kinds), one bar per series in each. */
export interface ChartSpec {
  /** The categories, as read (a month's name, a kind of support). */
  labels: string[];
  /** A null value has no bar; its mark (`< 5` for a suppressed figure), when it has one, stands there instead. */
  series: { name: string; values: (number | null)[]; marks: (string | null)[] }[];
  /** Bars across (long category names) rather than upright. */
  horizontal?: boolean;
  /** The number format of the axis. */
  locale: string;
}

/** Colours with at least 4.5:1 against white, and the text colour. */
export const SERIES_COLOURS = ['#1d70b8', '#00703c', '#b3261e', '#4c2c92', '#6b4a00', '#0b0c0c'] as const;
const TEXT = '#0b0c0c';
const GRID = '#b1b4b6';

type PatternKind = 'solid' | 'diagonal' | 'dots' | 'cross' | 'horizontal' | 'vertical';
const PATTERNS: PatternKind[] = ['solid', 'diagonal', 'dots', 'cross', 'horizontal', 'vertical'];

/** The colour and pattern of the i-th series: past the sixth the colours come round again, each with another pattern. */
export function seriesLook(i: number): { colour: string; pattern: PatternKind } {
  return { colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!, pattern: PATTERNS[(i + Math.floor(i / SERIES_COLOURS.length)) % PATTERNS.length]! };
}

/** A fill of colour with white marks on it, one kind per series. */
function pattern(colour: string, kind: PatternKind): CanvasPattern | string {
  if (kind === 'solid') return colour;
  const size = 10;
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const ctx = tile.getContext('2d');
  if (!ctx) return colour;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = '#ffffff';
  ctx.fillStyle = '#ffffff';
  ctx.lineWidth = 2;
  ctx.beginPath();
  if (kind === 'diagonal') {
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
    ctx.moveTo(-2, 2);
    ctx.lineTo(2, -2);
    ctx.moveTo(size - 2, size + 2);
    ctx.lineTo(size + 2, size - 2);
    ctx.stroke();
  } else if (kind === 'dots') {
    ctx.arc(size / 2, size / 2, 2, 0, Math.PI * 2);
    ctx.fill();
  } else if (kind === 'cross') {
    ctx.moveTo(0, size / 2);
    ctx.lineTo(size, size / 2);
    ctx.moveTo(size / 2, 0);
    ctx.lineTo(size / 2, size);
    ctx.stroke();
  } else if (kind === 'horizontal') {
    ctx.moveTo(0, size / 2);
    ctx.lineTo(size, size / 2);
    ctx.stroke();
  } else {
    ctx.moveTo(size / 2, 0);
    ctx.lineTo(size / 2, size);
    ctx.stroke();
  }
  return ctx.createPattern(tile, 'repeat') ?? colour;
}

/** Writes each mark where its bar would stand. */
const marks = (spec: ChartSpec): Plugin<'bar'> => ({
  id: 'sipSuppressed',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = TEXT;
    ctx.font = '600 12px system-ui, sans-serif';
    const horizontal = chart.options.indexAxis === 'y';
    // Along the bar's place, from its base: marks side by side never overlap.
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    chart.data.datasets.forEach((_, d) => {
      const meta = chart.getDatasetMeta(d);
      if (meta.hidden) return;
      spec.series[d]?.marks.forEach((mark, i) => {
        if (mark === null) return;
        const bar = meta.data[i] as unknown as { x: number; y: number; base: number } | undefined;
        if (!bar) return;
        if (horizontal) {
          ctx.fillText(mark, bar.base + 4, bar.y);
        } else {
          ctx.save();
          ctx.translate(bar.x, bar.base - 4);
          ctx.rotate(-Math.PI / 2);
          ctx.fillText(mark, 0, 0);
          ctx.restore();
        }
      });
    });
    ctx.restore();
  },
});

export interface DrawnChart {
  destroy(): void;
}

/** Draws a chart on the canvas; `destroy()` before the canvas goes or is drawn again. */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): DrawnChart {
  const config: ChartConfiguration<'bar', (number | null)[], string> = {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series, i) => {
        const { colour, pattern: kind } = seriesLook(i);
        return {
          label: series.name,
          data: series.values,
          backgroundColor: pattern(colour, kind),
          borderColor: colour,
          borderWidth: 1,
        };
      }),
    },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      // The figures are in the table beside the chart: the canvas answers no pointer.
      events: [],
      locale: spec.locale,
      color: TEXT,
      font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13 },
      scales: {
        x: { ticks: { color: TEXT, precision: 0 }, grid: { color: spec.horizontal ? GRID : 'transparent' }, border: { color: TEXT }, beginAtZero: true },
        y: { ticks: { color: TEXT, precision: 0 }, grid: { color: spec.horizontal ? 'transparent' : GRID }, border: { color: TEXT }, beginAtZero: true },
      },
      plugins: {
        legend: {
          display: spec.series.length > 1,
          position: 'bottom',
          labels: { color: TEXT, boxWidth: 28, boxHeight: 16 },
        },
      },
    },
    plugins: [marks(spec)],
  };
  return new Chart(canvas, config);
}
