/**
 * The browser half of explorable figures (lib/plot/explorable.ts writes the other): in a page
 * or a live notebook output, `mountExplorable` adds one control per declared parameter (a range
 * input with a number box, or a select) above an already drawn plotly figure, and every change
 * recomputes the figure with the named figure builder of the browser bundle (lib/browser.ts,
 * namespace `figures`) and redraws it with `Plotly.react`. No kernel, no network.
 *
 * Shipped only in the browser bundle; it touches the DOM through the few members typed below
 * (the project compiles without DOM typings).
 */
import type { Figure } from './figure';

/** A numeric parameter: any value in [min, max] on the grid min + k·step. */
export interface RangeControl {
  readonly range: readonly [number, number];
  readonly step: number;
  readonly label?: string;
}

/** A parameter taking one of a few values (a family name, a grid size, …). */
export interface ChoiceControl {
  readonly choices: readonly (string | number)[];
  readonly label?: string;
}

export type Control = RangeControl | ChoiceControl;

/** A parameter value a figure builder receives: what controls and JSON can carry. */
export type ParamValue = number | string | boolean | readonly number[] | readonly string[];

/** What the page's script hands to `mountExplorable` (JSON). */
export interface ExplorablePageSpec {
  /** The figure builder's name in the bundle's `figures` namespace. */
  readonly fn: string;
  /** Every parameter's starting value (the drawn figure's). */
  readonly values: Readonly<Record<string, ParamValue>>;
  /** The controlled parameters, in display order. */
  readonly controls: readonly ({ readonly name: string } & Control)[];
  /** The id of the plotly div inside the root element. */
  readonly plot: string;
  /** Plotly config for redraws. */
  readonly config: Record<string, unknown>;
}

/** The DOM members used here. */
interface El {
  id: string;
  value: string;
  textContent: string | null;
  className: string;
  style: Record<string, string>;
  appendChild(child: El): El;
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, fn: (event: { stopPropagation(): void }) => void): void;
  querySelector(selector: string): El | null;
}
interface Doc {
  createElement(tag: string): El;
}

/** The part of plotly.js used here. */
export interface PlotlyLike {
  react(gd: unknown, data: unknown, layout: unknown, config?: unknown): Promise<unknown> | unknown;
  relayout(gd: unknown, update: Record<string, unknown>): Promise<unknown> | unknown;
}

export type FigureBuilder = (params: Record<string, ParamValue>) => Figure;

/** Number of decimals of a step (0.1 → 1), so displayed values read 2.7, not 2.7000000000000002. */
function decimals(step: number): number {
  const s = String(step);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2));
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * Add the controls to `root` (the explorable's element, holding `spec.plot`) and recompute the
 * figure on every change. The element's `data-state` is `ready`, then `computing`, `drawn` or
 * `error`; `data-values` holds the parameters of the figure on screen (JSON).
 */
export function mountExplorable(root: El, spec: ExplorablePageSpec, figures: Readonly<Record<string, unknown>>, plotly: PlotlyLike, doc: Doc): void {
  const gd = root.querySelector(`#${spec.plot}`);
  const fn = figures[spec.fn];
  const status = doc.createElement('div');
  status.className = 'dive-explorable-status';
  status.style.cssText = 'font-size:0.85em;color:#666;margin:0.2em 0 0.6em';
  if (!gd || typeof fn !== 'function') {
    status.textContent = `precomputed frames only: ${spec.fn} is not a figure of this page's divelab browser bundle`;
    root.appendChild(status);
    return;
  }
  const build = fn as FigureBuilder;
  const values: Record<string, ParamValue> = { ...spec.values };
  const panel = doc.createElement('div');
  panel.className = 'dive-explorable-controls';
  panel.style.cssText = 'display:flex;flex-wrap:wrap;gap:0.4em 1.5em;align-items:center;margin:0.3em 0';
  // Keys typed into the controls are theirs: a notebook's command-mode shortcuts (digits, arrows,
  // 'm', …) listen on the document and must not see them.
  panel.addEventListener('keydown', (event) => event.stopPropagation());
  let scheduled = false;
  const redraw = (): void => {
    scheduled = false;
    const now = { ...values };
    root.setAttribute('data-state', 'computing');
    const started = Date.now();
    let fig: Figure;
    try {
      fig = build(now);
    } catch (err) {
      root.setAttribute('data-state', 'error');
      status.textContent = `cannot compute this figure: ${(err as Error).message}`;
      return;
    }
    const ms = Date.now() - started;
    void Promise.resolve(plotly.react(gd, fig.data, fig.layout, spec.config)).then(() => {
      root.setAttribute('data-values', JSON.stringify(now));
      root.setAttribute('data-state', 'drawn');
      status.textContent = `recomputed in this browser in ${ms} ms (divelab ${spec.fn})`;
    });
  };
  const changed = (name: string, v: ParamValue): void => {
    values[name] = v;
    if (!scheduled) {
      scheduled = true;
      setTimeout(redraw, 0); // one redraw for a burst of input events
    }
  };
  for (const c of spec.controls) {
    const label = doc.createElement('label');
    label.style.cssText = 'display:inline-flex;gap:0.4em;align-items:center';
    const text = doc.createElement('span');
    text.textContent = c.label ?? c.name;
    label.appendChild(text);
    if ('range' in c) {
      const slider = doc.createElement('input');
      const box = doc.createElement('input');
      for (const [input, type] of [[slider, 'range'], [box, 'number']] as const) {
        input.setAttribute('type', type);
        input.setAttribute('min', String(c.range[0]));
        input.setAttribute('max', String(c.range[1]));
        input.setAttribute('step', String(c.step));
        input.setAttribute('name', c.name);
        input.value = String(values[c.name]);
        label.appendChild(input);
      }
      box.style.cssText = 'width:5em';
      const digits = decimals(c.step);
      slider.addEventListener('input', () => {
        const v = Number(slider.value);
        box.value = v.toFixed(digits);
        changed(c.name, Number(box.value));
      });
      box.addEventListener('change', () => {
        const v = Number(box.value);
        if (box.value === '' || !Number.isFinite(v)) return;
        const clamped = Math.min(c.range[1], Math.max(c.range[0], v));
        box.value = String(clamped);
        slider.value = String(clamped);
        changed(c.name, clamped);
      });
    } else {
      const select = doc.createElement('select');
      select.setAttribute('name', c.name);
      c.choices.forEach((choice, i) => {
        const option = doc.createElement('option');
        option.value = String(i);
        option.textContent = String(choice);
        if (choice === values[c.name]) option.setAttribute('selected', '');
        select.appendChild(option);
      });
      select.addEventListener('change', () => changed(c.name, c.choices[Number(select.value)]));
      label.appendChild(select);
    }
    panel.appendChild(label);
  }
  // The precomputed frames' slider would disagree with the controls: it goes, the frame shown stays.
  void Promise.resolve(plotly.relayout(gd, { sliders: [] })).then(() => {
    root.setAttribute('data-values', JSON.stringify(values));
    root.setAttribute('data-state', 'ready');
  });
  status.textContent = 'move a control: the figure is recomputed in this browser';
  const first = root.querySelector('.dive-explorable-slot');
  (first ?? root).appendChild(panel);
  (first ?? root).appendChild(status);
}
