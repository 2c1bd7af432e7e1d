/**
 * The exported site's size and hygiene (lib/notebooks/export.ts): plotly.js shipped once for the
 * whole site instead of inlined in every page, and library banners left out of published outputs.
 * The browser test (tests/browser/export.test.ts) checks that the pages still draw every figure.
 */
import { describe, expect, it } from 'vitest';
import { browserBundleAsset, dropBanners, plotlyAsset, shareBrowserBundle, sharePlotly, shareStyles } from '../../lib/notebooks/export';
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
