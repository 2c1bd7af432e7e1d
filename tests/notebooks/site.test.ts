/**
 * The exported site's size and hygiene (lib/notebooks/export.ts): plotly.js shipped once for the
 * whole site instead of inlined in every page, and library banners left out of published outputs;
 * for a single-file page, the shared assets put back inline (style sheets trimmed) and LaTeX
 * typeset to SVG at export time (lib/notebooks/math.ts). The browser test
 * (tests/browser/export.test.ts) checks that the pages still draw every figure and formula.
 */
import { describe, expect, it } from 'vitest';
import { browserBundleAsset, dropBanners, inlineAssets, localReferences, plotlyAsset, shareBrowserBundle, sharePage, sharePlotly, shareStyles, trimStyles } from '../../lib/notebooks/export';
import { typesetMath } from '../../lib/notebooks/math';
import { ensureBuilt } from '../../lib/notebooks/build';
import { browserBundleManifest, browserBundleScript } from '../../lib/plot/explorable';
import { plotlyScript } from '../../lib/plot/html';

const TFJS_BANNER =
  '\n============================\nHi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. \n============================\n';

describe('exported site', () => {
  it('replaces every inlined plotly bundle by one shared asset, keeping the rest of the page', () => {
    const inlined = plotlyScript();
    const page = `<html><body><div>${inlined}</div><p>figure 1</p><div>${inlined}</div><script>draw()</script></body></html>`;
    const { html, bundles } = sharePlotly(page);
    expect(bundles).toHaveLength(1);
    expect(bundles[0].bundle.length).toBeGreaterThan(1_000_000);
    expect(inlined).toContain(bundles[0].bundle);
    const tag = `<script type="text/javascript" src="${plotlyAsset(bundles[0].version)}"></script>`;
    expect(html).toBe(`<html><body><div>${tag}</div><p>figure 1</p><div>${tag}</div><script>draw()</script></body></html>`);
    expect(html.length).toBeLessThan(1000);
    // A page without plotly is unchanged.
    expect(sharePlotly('<p>no figures</p>')).toEqual({ html: '<p>no figures</p>', bundles: [] });
  });

  it("ships divelab's browser bundle once as an asset named by version and content, plotly untouched", () => {
    ensureBuilt();
    const inlined = browserBundleScript();
    const m = browserBundleManifest();
    const page = `<div>${plotlyScript()}${inlined}</div><p>explorable</p><div>${inlined}</div>`;
    const { html, bundles } = shareBrowserBundle(page);
    expect(bundles).toEqual([{ version: `${m.version}+${m.sha256.slice(0, 12)}`, bundle: inlined.slice(inlined.indexOf('\n') + 1, -'\n</script>'.length) }]);
    expect(bundles[0].bundle.length).toBe(m.bytes);
    const tag = `<script type="text/javascript" src="${browserBundleAsset(bundles[0].version)}"></script>`;
    expect(browserBundleAsset(bundles[0].version)).toMatch(/^assets\/divelab-pure-\d+\.\d+\.\d+_[0-9a-f]{12}\.js$/);
    expect(html).toBe(`<div>${plotlyScript()}${tag}</div><p>explorable</p><div>${tag}</div>`);
    expect(sharePlotly(html).bundles).toHaveLength(1);
  });

  it("drops tfjs's Node.js banner from stderr outputs (and outputs it leaves empty), nothing else", () => {
    const nb = {
      cells: [
        { outputs: [{ output_type: 'stream', name: 'stderr', text: TFJS_BANNER }, { output_type: 'stream', name: 'stdout', text: 'loss 0.5\n' }] },
        { outputs: [{ output_type: 'stream', name: 'stderr', text: [`warning: kept${TFJS_BANNER}`, 'more\n'] }] },
        { source: 'markdown' },
      ],
    };
    const out = dropBanners(nb);
    expect(out.cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'loss 0.5\n' }]);
    expect(out.cells[1].outputs).toEqual([{ output_type: 'stream', name: 'stderr', text: 'warning: kept\nmore\n' }]);
    expect(out.cells[2]).toEqual({ source: 'markdown' });
    expect(JSON.stringify(out)).not.toContain('Hi, looks like');
  });
});

describe('shared style sheets', () => {
  it('moves large style blocks to one content-addressed file per content; small ones stay inline', () => {
    const big = `.jp-Cell { color: red; }\n${'/* padding */\n'.repeat(1000)}`;
    const page = (title: string): string => `<head><style type="text/css">${big}</style><style>pre { line-height: 125%; }</style></head><body>${title}</body>`;
    const a = shareStyles(page('a'));
    const b = shareStyles(page('b'));
    expect([...a.sheets.keys()]).toEqual([...b.sheets.keys()]);
    const [asset] = [...a.sheets.keys()];
    expect(asset).toMatch(/^assets\/style-[0-9a-f]{12}\.css$/);
    expect(a.sheets.get(asset)).toBe(big);
    expect(a.html).toBe(`<head><link rel="stylesheet" href="${asset}"><style>pre { line-height: 125%; }</style></head><body>a</body>`);
  });
});

describe('single-file page', () => {
  it('puts each shared asset back once: scripts inline (a later copy dropped), style sheets as <style>', () => {
    const assets = new Map([['assets/plot.js', 'window.P = "</script>";'], ['assets/style-1.css', '.a { color: red; }']]);
    const page = '<head><link rel="stylesheet" href="assets/style-1.css"></head><body><script type="text/javascript" src="assets/plot.js"></script><p>x</p><script type="text/javascript" src="assets/plot.js"></script><script src="other.js"></script></body>';
    const html = inlineAssets(page, assets);
    expect(html).toBe('<head><style type="text/css">.a { color: red; }</style></head><body><script type="text/javascript">window.P = "<\\/script>";</script><p>x</p><script src="other.js"></script></body>');
    // What is left for a lone file to fetch: the unknown script; fragments and data: URLs need no file.
    expect(localReferences(html)).toEqual(['other.js']);
    expect(localReferences('<svg><use xlink:href="#g1"></use></svg><img src="data:image/png;base64,AA"><a href="next.html">next</a><style>.b { background: url(icons/b.svg) }</style>')).toEqual(['icons/b.svg']);
  });

  it("trims a style sheet to the rules the page's markup or scripts can match, keeping variables", async () => {
    const css = ':root { --jp-x: 1px; }\n.jp-Cell { margin: var(--jp-x); }\n.jp-Widget-unused { color: red; }\n.made-by-script { color: blue; }\ndiv > p { margin: 0; }';
    const assets = new Map([['assets/style-1.css', css], ['assets/lib.js', 'el.className = "made-by-script";']]);
    const trimmed = await trimStyles(assets, '<div class="jp-Cell"><p>text</p></div>');
    const out = trimmed.get('assets/style-1.css')!;
    expect(out).toContain('--jp-x: 1px');
    expect(out).toContain('.jp-Cell');
    expect(out).toContain('.made-by-script');
    expect(out).toContain('div > p');
    expect(out).not.toContain('jp-Widget-unused');
    expect(trimmed.get('assets/lib.js')).toBe(assets.get('assets/lib.js'));
  });

  it('typesets inline and display TeX as SVG with nbconvert\'s delimiters; code, escapes and prose stay as they were', async () => {
    const page = [
      '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>',
      '<div class="jp-RenderedMarkdown"><p>Bound: $\\mathrm{KL}(q\\,\\|\\,p) \\le \\frac{d^2}{2\\sigma^2}$ costs \\$5 &amp; more.</p>',
      '<p>$$\\int_{\\mathbb{R}} \\log \\frac{p}{q}\\, dp$$ and \\(x_1\\)</p>',
      '<pre>const s = "$not math$";</pre><code>$x$</code></div>',
      '<script>if (a < b && c) { f("$y$"); }</script></body></html>',
    ].join('');
    const r = await typesetMath(page);
    expect(r.formulas).toBe(3);
    expect(r.errors).toEqual([]);
    expect(r.html.match(/<mjx-container/g)).toHaveLength(3);
    expect(r.html.match(/<mjx-container class="MathJax" jax="SVG"[^>]* display="true"/g)).toHaveLength(1); // $$…$$
    expect(r.html.includes('id="MJX-SVG-global-cache"'), 'glyph paths, shared by every formula').toBe(true);
    expect(r.html.includes('<style id="MJX-SVG-styles">'), 'the style sheet of the SVG output').toBe(true);
    // Every glyph a formula uses is defined in the page.
    const defined = new Set([...r.html.matchAll(/<path id="([^"]+)"/g)].map((m) => m[1]));
    const used = [...r.html.matchAll(/xlink:href="#([^"]+)"/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(10);
    for (const id of used) expect(defined.has(id), id).toBe(true);
    const text = r.html.replace(/<mjx-container[\s\S]*?<\/mjx-container>/g, 'MATH').replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<style[\s\S]*?<\/style>/g, '');
    expect(text).toContain('<p>Bound: MATH costs <span>$</span>5 &amp; more.</p>');
    expect(text).toContain('<p>MATH and MATH</p>');
    expect(text).toContain('<pre>const s = "$not math$";</pre><code>$x$</code>');
    expect(text).toContain('<script>if (a < b && c) { f("$y$"); }</script>');
    expect(text).not.toMatch(/\\frac|\\mathrm|\\int/);
  });

  it('reports a formula MathJax cannot parse, and leaves a page without TeX as it was', async () => {
    const r = await typesetMath('<!DOCTYPE html>\n<html><head></head><body><p>$x^2^3$ and $y$</p></body></html>');
    expect(r.formulas).toBe(2);
    expect(r.errors).toEqual(['x^2^3']);
    const plain = '<!DOCTYPE html>\n<html><head></head><body><p>Costs 5 &#8212; no maths.</p></body></html>';
    expect(await typesetMath(plain)).toEqual({ html: plain, formulas: 0, errors: [] });
  });

  it('sharePage moves plotly.js and the large style sheets to assets that inlineAssets puts back', () => {
    const big = `.jp-Cell { color: red; }\n${'/* padding */\n'.repeat(1000)}`;
    const page = `<head><style type="text/css">${big}</style></head><body>${plotlyScript()}<p>figure</p></body>`;
    const shared = sharePage(page);
    expect([...shared.assets.keys()].sort()).toEqual([expect.stringMatching(/^assets\/plotly-.*\.min\.js$/), expect.stringMatching(/^assets\/style-[0-9a-f]{12}\.css$/)]);
    expect(shared.html.length).toBeLessThan(500);
    const back = inlineAssets(shared.html, shared.assets);
    expect(localReferences(back)).toEqual([]);
    expect(back).toContain(big);
    expect(back.length).toBeGreaterThan(1_000_000);
  });
});
