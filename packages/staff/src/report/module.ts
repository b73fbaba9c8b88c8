/**
 * The yearly report's module, loaded when `<sip-report>` is first used: the charts (Chart.js).
 * It brings in neither Lit nor zod; the bundle has them. See `load.ts`.
 */
export { drawChart, SERIES_COLOURS, type ChartSpec, type DrawnChart } from './charts.ts';
