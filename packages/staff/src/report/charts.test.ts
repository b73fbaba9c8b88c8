import { describe, expect, it } from 'vitest';
import { SERIES_COLOURS, seriesLook } from './charts.ts';

/** WCAG's contrast ratio of two sRGB colours (#rrggbb). */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the report charts’ colours', () => {
  it('stand out from the white background by at least 3:1 (non-text contrast), and the white pattern marks from each bar by as much', () => {
    for (const colour of SERIES_COLOURS) {
      expect(contrast(colour, '#ffffff'), colour).toBeGreaterThanOrEqual(3);
    }
    expect(new Set(SERIES_COLOURS).size).toBe(SERIES_COLOURS.length);
  });

  it('gives each series of a chart its own colour and pattern, the eight kinds of commitment included', () => {
    const looks = Array.from({ length: 36 }, (_, i) => seriesLook(i));
    expect(new Set(looks.map((l) => `${l.colour} ${l.pattern}`)).size).toBe(36);
  });
});
