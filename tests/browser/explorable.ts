/** Driving an explorable figure's controls in a page (lib/plot/explorableView.ts) and reading what it plotted. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Figure } from '../../lib/plot/figure';

// Page-side globals used inside page.evaluate callbacks (the project compiles without DOM typings).
interface PageElement { getAttribute(a: string): string | null; closest(s: string): PageElement | null; data?: { name?: string; x?: unknown[]; y?: unknown[] }[] }
declare const document: { getElementById(id: string): PageElement | null };

/** The explorable holding plot `plotId`: its state and the parameters of the figure on screen. */
export async function explorableState(page: Page, plotId: string): Promise<{ state: string | null; values: Record<string, unknown> }> {
  return page.evaluate((id) => {
    const root = document.getElementById(id)!.closest('.dive-explorable')!;
    return { state: root.getAttribute('data-state'), values: JSON.parse(root.getAttribute('data-values') ?? '{}') as Record<string, unknown> };
  }, plotId);
}

/** Wait until the figure on screen was computed for `param` = `value`. */
export async function waitForValue(page: Page, plotId: string, param: string, value: unknown, timeout = 60_000): Promise<void> {
  await page.waitForFunction(({ id, param, value }) => {
    const root = document.getElementById(id)!.closest('.dive-explorable')!;
    const values = JSON.parse(root.getAttribute('data-values') ?? '{}') as Record<string, unknown>;
    return root.getAttribute('data-state') === 'drawn' && JSON.stringify(values[param]) === JSON.stringify(value);
  }, { id: plotId, param, value }, { timeout });
}

/**
 * Move the range control `param` of the explorable holding plot `plotId` to `value` as a reader
 * does with the keyboard (focus the slider, arrow keys one step at a time), then wait for the
 * redraw.
 */
export async function driveRange(page: Page, plotId: string, param: string, value: number): Promise<void> {
  const slider = page.locator(`.dive-explorable:has(#${plotId}) input[type="range"][name="${param}"]`);
  await slider.scrollIntoViewIfNeeded();
  const step = Number(await slider.getAttribute('step'));
  const now = Number(await slider.inputValue());
  const presses = Math.round((value - now) / step);
  await slider.focus();
  for (let i = 0; i < Math.abs(presses); i++) await page.keyboard.press(presses > 0 ? 'ArrowRight' : 'ArrowLeft');
  expect(Number(await slider.inputValue())).toBe(value);
  await waitForValue(page, plotId, param, value);
}

/** The traces plotted in `plotId` (names and numbers). */
export async function plottedData(page: Page, plotId: string): Promise<{ name?: string; x?: unknown[]; y?: unknown[] }[]> {
  return page.evaluate((id) => document.getElementById(id)!.data!.map((t) => ({ name: t.name, x: t.x, y: t.y })), plotId);
}

/** Every plotted trace equals the figure's: same names, and x, y equal to 1e-12 (relative above 1). */
export function expectSameNumbers(plotted: { name?: string; x?: unknown[]; y?: unknown[] }[], expected: Figure): number {
  expect(plotted.map((t) => t.name)).toEqual(expected.data.map((t) => t.name));
  let worst = 0;
  expected.data.forEach((t, i) => {
    for (const axis of ['x', 'y'] as const) {
      const want = t[axis] as readonly number[];
      const got = plotted[i][axis] as number[];
      expect(got.length, `${t.name} ${axis}`).toBe(want.length);
      want.forEach((w, j) => {
        const err = Math.abs(got[j] - w) / Math.max(1, Math.abs(w));
        worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
      });
    }
  });
  expect(worst).toBeLessThanOrEqual(1e-12);
  return worst;
}
