/**
 * Static images of interactive figures (lib/plot/static.ts staticFigure): no sliders that cannot
 * move, no clipped title, integer ticks on an epoch axis, powers of ten on a log axis.
 */
import { describe, expect, it } from 'vitest';
import { lineFigure, sliderFigure } from '../../lib/plot/figure';
import { staticFigure } from '../../lib/plot/static';

describe('staticFigure', () => {
  it('drops sliders (the active step stays the visible one) and leaves the input unchanged', () => {
    const fig = sliderFigure([
      { label: 'a', traces: [{ type: 'scatter', x: [0, 1], y: [1, 2] }] },
      { label: 'b', traces: [{ type: 'scatter', x: [0, 1], y: [2, 3] }] },
    ], { title: 'by month' });
    const still = staticFigure(fig);
    expect(still.layout.sliders).toBeUndefined();
    expect(fig.layout.sliders).toHaveLength(1);
    expect(still.data.map((t) => t.visible)).toEqual(fig.data.map((t) => t.visible));
  });

  it('wraps a title longer than the width and makes room for it', () => {
    const title = 'Validation forecast MSE per epoch of every model in the ablation of the training schedule, mean of eight seeds';
    const still = staticFigure(lineFigure([1, 2, 3], { a: [1, 2, 3] }, { title }), 500);
    const text = still.layout.title!.text;
    expect(text.split('<br>').length).toBeGreaterThan(1);
    for (const line of text.split('<br>')) expect(line.length).toBeLessThanOrEqual(Math.floor(500 / 9));
    expect(text.replace(/<br>/g, ' ')).toBe(title);
    expect((still.layout.title as Record<string, unknown>).automargin).toBe(true);
    expect(still.layout.margin!.t!).toBeGreaterThanOrEqual(30 + 22 * text.split('<br>').length);
  });

  it('gives an axis of integers (epochs) integer ticks only, and leaves a real-valued axis alone', () => {
    const still = staticFigure(lineFigure([1, 2, 3, 4, 5], { loss: [0.5, 0.4, 0.35, 0.3, 0.29] }, { xTitle: 'epoch', yTitle: 'loss' }));
    expect(still.layout.xaxis).toMatchObject({ tickmode: 'linear', tick0: 1, dtick: 1, tickformat: 'd' });
    expect(still.layout.yaxis!.dtick).toBeUndefined();
    const long = staticFigure(lineFigure(Array.from({ length: 40 }, (_, i) => i + 1), { loss: Array.from({ length: 40 }, () => 0.5) }, { xTitle: 'epoch' }));
    expect(long.layout.xaxis!.dtick).toBe(5);
  });

  it('labels a log axis with powers of ten, not SI prefixes', () => {
    const fig = lineFigure([1, 2, 3], { p: [1e-6, 1e-3, 1] }, { yTitle: 'p' });
    fig.layout.yaxis = { ...fig.layout.yaxis, type: 'log' };
    const still = staticFigure(fig);
    expect(still.layout.yaxis!.exponentformat).toBe('power');
    expect(still.layout.yaxis!.dtick).toBeUndefined();
  });
});
