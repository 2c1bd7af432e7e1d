/** Figure specs and offline HTML (no browser here; rendering is checked in tests/browser). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { heatmapFigure, lineFigure, panelAxes, scatterFigure, sliderFigure } from '../../lib/plot/figure';
import { plotHtml, plotlyBundle, scriptJson, standaloneHtml, writeFigure } from '../../lib/plot/html';
import { tableHtml } from '../../lib/plot/table';
import { decodeDataUrl, formatOf } from '../../lib/plot/static';
import { externalReferences, indexHtml, postProcess } from '../../lib/notebooks/export';

describe('figure builders', () => {
  it('lineFigure makes one line per series and checks lengths', () => {
    const f = lineFigure([0, 1, 2], { a: [1, 2, 3], b: [3, 2, 1] }, { title: 'T', xTitle: 'x', yTitle: 'y' });
    expect(f.data.map((t) => [t.name, t.mode, t.y])).toEqual([['a', 'lines', [1, 2, 3]], ['b', 'lines', [3, 2, 1]]]);
    expect(f.layout.title?.text).toBe('T');
    expect(f.layout.xaxis?.title?.text).toBe('x');
    expect(() => lineFigure([0, 1], { a: [1] })).toThrow(/series 'a' has 1 values for 2 x values/);
  });

  it('scatterFigure groups points into one trace per group', () => {
    const f = scatterFigure([{ x: 0, y: 1, group: 'als' }, { x: 2, y: 3, group: 'park' }, { x: 4, y: 5, group: 'als' }]);
    expect(f.data.map((t) => [t.name, t.x, t.y])).toEqual([['als', [0, 4], [1, 5]], ['park', [2], [3]]]);
  });

  it('heatmapFigure keeps the matrix', () => {
    expect(heatmapFigure([[1, 2], [3, 4]]).data[0]).toMatchObject({ type: 'heatmap', z: [[1, 2], [3, 4]] });
  });

  it('sliderFigure shows only the active frame and each step restyles visibility', () => {
    const t = (name: string) => ({ type: 'scatter' as const, name, x: [0, 1], y: [0, 1] });
    const f = sliderFigure([{ label: 'A', traces: [t('a1'), t('a2')] }, { label: 'B', traces: [t('b')] }], { active: 1, prefix: 'm: ' });
    expect(f.data.map((d) => d.visible)).toEqual([false, false, true]);
    const s = f.layout.sliders![0];
    expect(s.active).toBe(1);
    expect(s.steps.map((st) => [st.label, st.method, st.args])).toEqual([
      ['A', 'restyle', [{ visible: [true, true, false] }]],
      ['B', 'restyle', [{ visible: [false, false, true] }]],
    ]);
    expect(() => sliderFigure([])).toThrow(/at least one frame/);
    expect(() => sliderFigure([{ label: 'A', traces: [] }], { active: 3 })).toThrow(/active=3/);
    expect(f.layout.grid).toBeUndefined();
  });

  it('sliderFigure lays side-by-side panels out in a grid addressed by panelAxes', () => {
    const traces = [0, 1].map((panel) => ({ type: 'scatter' as const, name: 'p', x: [0], y: [panel], ...panelAxes(panel) }));
    const f = sliderFigure([{ label: 'A', traces }], { columns: 2, height: 420 });
    expect(f.layout.grid).toEqual({ rows: 1, columns: 2, pattern: 'independent' });
    expect(f.layout.height).toBe(420);
    expect(f.data.map((d) => [d.xaxis, d.yaxis, d.showlegend])).toEqual([['x', 'y', true], ['x2', 'y2', false]]);
  });
});

describe('offline HTML', () => {
  const fig = lineFigure([0, 1], { '</script><script>alert(1)</script>': [1, 2] });

  it('embeds figure JSON safely inside <script>', () => {
    const html = plotHtml(fig, { id: 'p1' });
    expect(html).toContain('<div id="p1"');
    expect(html).not.toContain('</script><script>alert');
    expect(JSON.parse(scriptJson({ s: '</script>\u2028' }))).toEqual({ s: '</script>\u2028' });
    expect(() => plotHtml(fig, { id: '1 bad"id' })).toThrow(/must be letters/);
  });

  it('inlines the plotly bundle only when asked, never from a CDN', () => {
    expect(plotlyBundle().length).toBeGreaterThan(1_000_000);
    expect(plotHtml(fig).length).toBeLessThan(5000);
    const withBundle = plotHtml(fig, { includePlotly: true });
    expect(withBundle).toContain('window.Plotly = Plotly');
    const page = standaloneHtml(fig, { title: 'a < b' });
    expect(page).toContain('<title>a &lt; b</title>');
    expect(externalReferences(page)).toEqual([]);
  });

  it('writeFigure writes a standalone page atomically', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-plot-'));
    try {
      const file = writeFigure(fig, path.join(dir, 'sub', 'fig.html'));
      expect(fs.readFileSync(file, 'utf8')).toContain('Plotly.newPlot(');
      expect(fs.readdirSync(path.join(dir, 'sub'))).toEqual(['fig.html']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tableHtml escapes cells, rounds numbers and says how many rows were left out', () => {
    const html = tableHtml({ columns: ['a', '<b>'], values: [[1.23456789, '<i>'], [2, null], [3, 'x']], index: ['r0', 'r1', 'r2'] }, { maxRows: 2, digits: 3 });
    expect(html).toContain('<th>&lt;b&gt;</th>');
    expect(html).toContain('<td>1.23</td><td>&lt;i&gt;</td>');
    expect(html).toContain('<th>r1</th><td>2</td><td></td>');
    expect(html).toContain('… 1 more row(s)');
    expect(html).not.toContain('r2');
  });

  it('decodes plotly image data URLs and picks the format from the file name', () => {
    expect(decodeDataUrl('data:image/svg+xml,%3Csvg%3E%3C%2Fsvg%3E', 'svg')).toBe('<svg></svg>');
    expect(Array.from(decodeDataUrl(`data:image/png;base64,${Buffer.from([137, 80]).toString('base64')}`, 'png') as Uint8Array)).toEqual([137, 80]);
    expect(() => decodeDataUrl('data:image/jpeg;base64,AA', 'png')).toThrow(/PNG/);
    expect(formatOf('a/b.SVG')).toBe('svg');
    expect(() => formatOf('fig.pdf')).toThrow(/\.svg or \.png/);
  });
});

describe('site pages', () => {
  it('finds references to other origins in tags and CSS, not in script bodies or links', () => {
    const html = [
      '<script src="https://cdn.example/x.js"></script>',
      '<link rel="stylesheet" href="//fonts.example/f.css">',
      '<img src="file:///etc/logo.png">',
      "<style>@import 'http://css.example/a.css'; .x { background: url(https://img.example/b.png) }</style>",
      '<script>var u = "<script src=\\"https://inside.example/\\">";</script>',
      '<a href="https://arxiv.org/abs/2501.08710">paper</a>',
      '<script src="assets/mathjax/MathJax.js"></script><img src="data:image/png;base64,AA">',
    ].join('\n');
    expect(externalReferences(html).sort()).toEqual([
      '//fonts.example/f.css', 'file:///etc/logo.png', 'http://css.example/a.css', 'https://cdn.example/x.js', 'https://img.example/b.png',
    ]);
  });

  it('removes the placeholder require.js and MathJax tags', () => {
    const html = '<head><script src="dive-no-requirejs.js"></script>\n<script src="dive-no-mathjax.js"> </script><script src="keep.js"></script></head>';
    expect(postProcess(html)).toBe('<head>\n<script src="keep.js"></script></head>');
  });

  it('index lists every page with link, title and first heading, escaped', () => {
    const html = indexHtml([
      { file: '00-tour.ipynb', stem: '00-tour', title: 'A tour', heading: 'A tour', page: '00-tour.html' },
      { file: '01 x.ipynb', stem: '01 x', title: 'E1 <ELBO>', heading: 'Proof', page: '01 x.html' },
    ]);
    expect(html).toContain('<a href="00-tour.html">A tour</a>');
    expect(html).toContain('<a href="01%20x.html">E1 &lt;ELBO&gt;</a>');
    expect(html).toContain('<div class="heading">Proof</div>');
    expect(externalReferences(html)).toEqual([]);
  });
});
