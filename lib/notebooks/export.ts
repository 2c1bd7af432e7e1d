/**
 * Static site from executed notebooks: each `.ipynb` becomes an HTML page through Jupyter's
 * nbconvert (`python3 -m nbconvert --to html`, lab template), plus an `index.html` listing
 * every page with its title and first Markdown heading. The site makes NO external requests:
 *
 * - plotly.js is inlined in the notebooks' outputs (lib/plot/notebook.ts), so an .ipynb renders
 *   alone; the site ships it once, as `assets/plotly-<version>.min.js`, and every page loads
 *   that file instead of carrying its own 5 MB copy (`sharePlotly`);
 * - divelab's browser bundle (explorable figures recompute with it, lib/plot/explorable.ts) is
 *   inlined once per notebook likewise and shipped once, as `assets/divelab-pure-<version>.js`
 *   (`shareBrowserBundle`);
 * - the template's large style sheets (JupyterLab's CSS, ~0.5 MB per page) are shipped once too,
 *   as `assets/style-<hash>.css` (`shareStyles`);
 * - library banners printed on stderr (tfjs's "Hi, looks like you are running TensorFlow.js in
 *   Node.js …") are dropped from the published outputs (`dropBanners`; the executed notebooks
 *   keep them);
 * - require.js (the template loads it for ipywidgets; nothing here uses AMD, and plotly.js
 *   sets `window.Plotly` without it) is dropped;
 * - MathJax 2 for LaTeX in Markdown comes from Debian's libjs-mathjax, copied into
 *   `assets/mathjax/` (the parts the TeX-AMS_CHTML config loads, ~1.5 MB). Without that
 *   package, pages keep raw LaTeX and a warning says how to install it;
 * - every page is checked for remaining `src`/`href` references to other origins
 *   (http:, https:, file:, //host), which are an error.
 *
 * The whole folder is written atomically (built in a temporary sibling, then renamed).
 *
 * `exportSingle` (`dive notebooks export --single NAME`) makes ONE notebook's page a single
 * self-contained file instead, for sending: the same conversion, the shared assets inlined back
 * (`inlineAssets`; style sheets trimmed by `trimStyles`), and the LaTeX typeset to SVG at export
 * time (lib/notebooks/math.ts) instead of MathJax in the page (docs/notebooks.md).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '../util/atomic';
import { checkOutputDir, markOutputDir } from '../util/outputDir';
import { UserError } from '../util/errors';
import { listNotebooks, notebookInfo, resolveNotebooks, type NotebookInfo } from './catalog';
import { jupyterEnv } from './kernel';
import { typesetMath } from './math';
import { executedDir, repoRoot, singleDir, siteDir } from './paths';
import { pythonPath } from '../util/python';
import { inlinedScriptOpening } from '../plot/html';
import { checkJupyter, checkMathJax, INSTALL_COMMAND, MATHJAX_DIR, requireTools } from './tools';

export interface ExportOptions {
  /** Executed notebooks. Default `<root>/out/notebooks`. */
  inDir?: string;
  /** Site folder (replaced as a whole). Default `<root>/out/site`. */
  outDir?: string;
  onProgress?: (line: string) => void;
}

export interface SitePage extends NotebookInfo {
  /** Page file name inside the site, e.g. "00-tour.html". */
  page: string;
}

export interface SiteReport {
  outDir: string;
  index: string;
  pages: SitePage[];
  /** False when libjs-mathjax is missing and LaTeX stays raw. */
  mathjax: boolean;
}

/** Where MathJax lives inside the site, and the config nbconvert's template asks for. */
const MATHJAX_SITE_DIR = 'assets/mathjax';
const MATHJAX_CONFIG = 'TeX-AMS_CHTML-full,Safe';
/** The parts of Debian's MathJax 2 tree that config TeX-AMS_CHTML-full loads. */
const MATHJAX_PARTS = [
  'MathJax.js',
  ...MATHJAX_CONFIG.split(',').map((c) => `config/${c}.js`),
  'config/local',
  'extensions',
  'jax/element',
  'jax/input/TeX',
  'jax/output/CommonHTML',
  'localization/en',
  'fonts/HTML-CSS/TeX/woff',
];
/** Placeholder URLs given to nbconvert for scripts that are removed from every page. */
const NO_REQUIREJS = 'dive-no-requirejs.js';
const NO_MATHJAX = 'dive-no-mathjax.js';

export async function exportSite(opts: ExportOptions = {}): Promise<SiteReport> {
  const root = repoRoot();
  const inDir = path.resolve(opts.inDir ?? executedDir(root));
  const outDir = path.resolve(opts.outDir ?? siteDir(root));
  // The site folder is replaced as a whole: only an empty folder, our default, or a site we wrote.
  if (outDir !== siteDir(root)) checkOutputDir(outDir, { writes: 'a static site (replacing the folder)', ownEntries: [] });
  if (!fs.existsSync(inDir)) throw new UserError(`no executed notebooks: ${inDir} does not exist (run 'dive notebooks run' first)`);
  const files = listNotebooks(inDir);
  if (files.length === 0) throw new UserError(`no executed notebooks (*.ipynb) in ${inDir} (run 'dive notebooks run' first)`);
  requireTools(checkJupyter(), 'exporting notebooks');
  const mathjax = checkMathJax().ok;
  if (!mathjax) opts.onProgress?.(`warning: ${MATHJAX_DIR} missing, LaTeX stays raw; install with: ${INSTALL_COMMAND}`);
  const infos = files.map((f) => notebookInfo(path.join(inDir, f)));

  const pages: SitePage[] = infos.map((i) => ({ ...i, page: `${i.stem}.html` }));
  await writeDirAtomic(outDir, async (tmp) => {
    opts.onProgress?.(`converting ${files.length} notebook(s) with nbconvert ...`);
    await convertNotebooks(root, inDir, files, tmp, mathjax ? `${MATHJAX_SITE_DIR}/MathJax.js?config=${MATHJAX_CONFIG}` : undefined);
    const assets = new Map<string, string>();
    for (const p of pages) {
      const file = path.join(tmp, p.page);
      if (!fs.existsSync(file)) throw new UserError(`nbconvert did not write ${p.page} for ${p.file}`);
      const shared = sharePage(fs.readFileSync(file, 'utf8'));
      for (const [asset, text] of shared.assets) assets.set(asset, text);
      requireNoExternal(shared.html, p);
      fs.writeFileSync(file, shared.html);
    }
    if (mathjax) copyMathJax(path.join(tmp, MATHJAX_SITE_DIR));
    for (const [asset, text] of assets) {
      fs.mkdirSync(path.dirname(path.join(tmp, asset)), { recursive: true });
      fs.writeFileSync(path.join(tmp, asset), text);
    }
    fs.writeFileSync(path.join(tmp, 'index.html'), indexHtml(pages));
    markOutputDir(tmp, 'notebooks export');
  });
  opts.onProgress?.(`wrote ${path.join(outDir, 'index.html')} and ${pages.length} page(s)`);
  return { outDir, index: path.join(outDir, 'index.html'), pages, mathjax };
}

export interface SingleOptions {
  /** The notebook: its name as `resolveNotebooks` takes it (`03-log-concave-mixture-kl-bound`, a unique prefix, or the file name). */
  name: string;
  /** Executed notebooks. Default `<root>/out/notebooks`. */
  inDir?: string;
  /** Folder that receives `<stem>.html`. Default `<root>/out/site-single`. */
  outDir?: string;
  onProgress?: (line: string) => void;
}

export interface SingleReport {
  /** The file written, `<outDir>/<stem>.html`. */
  file: string;
  page: SitePage;
  /** Its size in bytes (the command prints it in MB of 10⁶ bytes). */
  bytes: number;
  /** Formulas typeset to SVG at export time. */
  formulas: number;
  /** TeX of the formulas MathJax could not parse (they show as red error boxes). */
  mathErrors: string[];
}

/**
 * One notebook as ONE self-contained HTML file, for a reader who gets nothing else (an e-mail
 * attachment opened from `file://`, offline): the page the site would publish, with its shared
 * assets (plotly.js once, the style sheets) inlined back, and its LaTeX typeset to SVG at export
 * time (lib/notebooks/math.ts) instead of loading MathJax. The file goes to
 * `<outDir>/<stem>.html` (written atomically); `outDir` must be new, empty, or a divelab output,
 * and is marked as one. A bad name, a missing input, or an output folder the user owns is
 * refused before anything is converted.
 */
export async function exportSingle(opts: SingleOptions): Promise<SingleReport> {
  const root = repoRoot();
  const inDir = path.resolve(opts.inDir ?? executedDir(root));
  const outDir = path.resolve(opts.outDir ?? singleDir(root));
  if (!fs.existsSync(inDir)) throw new UserError(`no executed notebooks: ${inDir} does not exist (run 'dive notebooks run ${opts.name}' first)`);
  const [file] = resolveNotebooks(inDir, [opts.name]);
  const info = notebookInfo(path.join(inDir, file));
  const page: SitePage = { ...info, page: `${info.stem}.html` };
  checkOutputDir(outDir, { writes: 'single-file notebook pages (<name>.html)' });
  requireTools(checkJupyter(), 'exporting notebooks');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-single-'));
  try {
    opts.onProgress?.(`converting ${file} with nbconvert ...`);
    await convertNotebooks(root, inDir, [file], tmp, undefined);
    const converted = path.join(tmp, page.page);
    if (!fs.existsSync(converted)) throw new UserError(`nbconvert did not write ${page.page} for ${file}`);
    const shared = sharePage(fs.readFileSync(converted, 'utf8'));
    opts.onProgress?.('typesetting LaTeX as SVG ...');
    const math = await typesetMath(shared.html);
    for (const tex of math.errors) opts.onProgress?.(`warning: ${file}: MathJax cannot typeset $${tex}$ (shown as an error box)`);
    const html = inlineAssets(math.html, await trimStyles(shared.assets, math.html));
    requireNoExternal(html, page);
    const local = localReferences(html);
    if (local.length) throw new UserError(`${page.page} would load ${local[0]} from beside the file, which a single file cannot do (${local.length} such reference(s))`);
    const target = path.join(outDir, page.page);
    markOutputDir(outDir, 'notebooks export --single');
    writeFileAtomic(target, html);
    const bytes = fs.statSync(target).size;
    opts.onProgress?.(`wrote ${target} (${(bytes / 1e6).toFixed(2)} MB, ${math.formulas} formula(s))`);
    return { file: target, page, bytes, formulas: math.formulas, mathErrors: math.errors };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * nbconvert's HTML for executed notebooks `files` (in `inDir`), written to `outDir`: published
 * copies without library banners are converted, from a scratch folder that is removed after.
 * `mathjaxUrl` undefined: the page loads no MathJax.
 */
async function convertNotebooks(root: string, inDir: string, files: readonly string[], outDir: string, mathjaxUrl: string | undefined): Promise<void> {
  const clean = path.join(outDir, '.published');
  fs.mkdirSync(clean);
  for (const f of files) fs.writeFileSync(path.join(clean, f), JSON.stringify(dropBanners(JSON.parse(fs.readFileSync(path.join(inDir, f), 'utf8')) as Notebook), null, 1));
  await nbconvert(root, files.map((f) => path.join(clean, f)), outDir, mathjaxUrl);
  fs.rmSync(clean, { recursive: true, force: true });
}

/**
 * A converted page made ready to publish: placeholder scripts dropped (`postProcess`), plotly.js
 * and the large style sheets moved out to shared assets (`sharePlotly`, `shareStyles`). Returns
 * the page and its assets (path inside the site → content).
 */
export function sharePage(html: string): { html: string; assets: Map<string, string> } {
  const plotly = sharePlotly(postProcess(html));
  const pure = shareBrowserBundle(plotly.html);
  const styled = shareStyles(pure.html);
  const assets = new Map<string, string>(plotly.bundles.map((b) => [plotlyAsset(b.version), b.bundle]));
  for (const b of pure.bundles) assets.set(browserBundleAsset(b.version), b.bundle);
  for (const [asset, css] of styled.sheets) assets.set(asset, css);
  return { html: styled.html, assets };
}

/** Throw when a page would load something from another origin (see `externalReferences`). */
function requireNoExternal(html: string, page: SitePage): void {
  const external = externalReferences(html);
  if (external.length) {
    throw new UserError(`${page.page} would load ${external[0]} from outside the site (${external.length} such reference(s)); remove it from ${page.file}`);
  }
}

function nbconvert(root: string, inputs: string[], outDir: string, mathjaxUrl: string | undefined): Promise<void> {
  const args = [
    '-m', 'nbconvert', '--to', 'html', '--output-dir', outDir,
    `--HTMLExporter.require_js_url=${NO_REQUIREJS}`,
    `--HTMLExporter.mathjax_url=${mathjaxUrl ?? NO_MATHJAX}`,
    ...inputs,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(pythonPath(), args, { env: jupyterEnv(root), stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
    child.on('error', (err) => reject(new UserError(`cannot start ${pythonPath()} (${err.message}); run 'dive setup'`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const last = log.trim().split('\n').filter(Boolean).pop() ?? 'no output';
        reject(new UserError(`nbconvert failed (exit ${code}): ${last}`));
      }
    });
  });
}

/** The minimal shape of an .ipynb this module reads. */
interface Notebook {
  cells: { outputs?: { output_type: string; name?: string; text?: string | string[] }[] }[];
}

/** Banners libraries print on stderr when imported, which say nothing about the notebook. */
export const BANNERS: readonly RegExp[] = [
  // tfjs in Node without tfjs-node: a line of '=' signs, the advice, another line of '='.
  /=+\r?\n?Hi, looks like you are running TensorFlow\.js in Node\.js\.[^\n]*\r?\n?=+\r?\n?/g,
];

/** A copy of the notebook whose stderr stream outputs lack BANNERS (outputs left empty are dropped). */
export function dropBanners<T extends Notebook>(nb: T): T {
  const cells = nb.cells.map((c) => {
    if (!c.outputs) return c;
    const outputs = c.outputs
      .map((o) => {
        if (o.output_type !== 'stream' || o.name !== 'stderr' || o.text === undefined) return o;
        let text = Array.isArray(o.text) ? o.text.join('') : o.text;
        for (const b of BANNERS) text = text.replace(b, '');
        return { ...o, text };
      })
      .filter((o) => !(o.output_type === 'stream' && typeof o.text === 'string' && o.text.trim() === ''));
    return { ...c, outputs };
  });
  return { ...nb, cells };
}

/** Where the site keeps plotly.js of a version. */
export function plotlyAsset(version: string): string {
  return `assets/plotly-${version.replace(/[^0-9A-Za-z.-]/g, '_')}.min.js`;
}

/**
 * Replace every plotly.js bundle inlined by lib/plot (`plotlyScript`: a script starting with the
 * comment "plotly.js <version> (inlined, offline)") by a script tag loading the site's shared
 * copy; returns the page and the bundles it carried.
 */
export function sharePlotly(html: string): { html: string; bundles: { version: string; bundle: string }[] } {
  return shareInlined(html, 'plotly.js', plotlyAsset);
}

/** Where the site keeps divelab's browser bundle of a version (`<package version>+<sha256 prefix>`). */
export function browserBundleAsset(version: string): string {
  return `assets/divelab-pure-${version.replace(/[^0-9A-Za-z.-]/g, '_')}.js`;
}

/**
 * `sharePlotly` for divelab's browser bundle of explorable figures (lib/plot/explorable.ts,
 * `browserBundleScript`: "divelab-pure <version> (inlined, offline)").
 */
export function shareBrowserBundle(html: string): { html: string; bundles: { version: string; bundle: string }[] } {
  return shareInlined(html, 'divelab-pure', browserBundleAsset);
}

/** Every script inlined by `inlinedScript(library, …)` (lib/plot/html.ts) replaced by a tag loading `asset(version)`. */
function shareInlined(html: string, library: string, asset: (version: string) => string): { html: string; bundles: { version: string; bundle: string }[] } {
  const open = inlinedScriptOpening(library);
  const bundles: { version: string; bundle: string }[] = [];
  let out = '';
  let at = 0;
  for (let m = open.exec(html); m; m = open.exec(html)) {
    const start = m.index + m[0].length;
    const end = html.indexOf('\n</script>', start);
    if (end < 0) break;
    if (!bundles.some((b) => b.version === m![1])) bundles.push({ version: m[1], bundle: html.slice(start, end) });
    out += `${html.slice(at, m.index)}<script type="text/javascript" src="${asset(m[1])}"></script>`;
    at = end + '\n</script>'.length;
    open.lastIndex = at;
  }
  return { html: out + html.slice(at), bundles };
}

/** Style blocks at least this long go to a shared file (the small page-specific ones stay inline). */
const SHARED_STYLE_MIN = 10_000;

/**
 * Move every `<style>` block of at least SHARED_STYLE_MIN characters to `assets/style-<sha256
 * prefix>.css` (same content → same file for every page), linked in its place.
 */
export function shareStyles(html: string): { html: string; sheets: Map<string, string> } {
  const sheets = new Map<string, string>();
  const out = html.replace(/<style([^>]*)>([\s\S]*?)<\/style>/g, (whole, attrs: string, css: string) => {
    if (css.length < SHARED_STYLE_MIN || /\bmedia=/.test(attrs)) return whole;
    const asset = `assets/style-${createHash('sha256').update(css).digest('hex').slice(0, 12)}.css`;
    sheets.set(asset, css);
    return `<link rel="stylesheet" href="${asset}">`;
  });
  return { html: out, sheets };
}

/**
 * Remove the placeholder script tags: require.js, and MathJax when it is not shipped (with the
 * template's MathJax configuration script, which does nothing without MathJax).
 */
export function postProcess(html: string): string {
  const tag = (src: string): RegExp => new RegExp(`<script[^>]*src="${src.replace(/\./g, '\\.')}"[^>]*>\\s*</script>`, 'g');
  const mathjaxBlock = new RegExp(`<!-- Load mathjax -->\\s*<script[^>]*src="${NO_MATHJAX.replace(/\./g, '\\.')}"[\\s\\S]*?<!-- End of mathjax configuration -->`);
  return html.replace(mathjaxBlock, '').replace(tag(NO_REQUIREJS), '').replace(tag(NO_MATHJAX), '');
}

/**
 * Put a page's shared assets back inside it, for a file that travels alone: each
 * `<script src="ASSET">` becomes an inline script (the first one; later ones for the same asset
 * are dropped, the code having run), each `<link rel="stylesheet" href="ASSET">` a `<style>`.
 * `assets` maps the paths the page uses to their content (`sharePage`).
 */
export function inlineAssets(html: string, assets: ReadonlyMap<string, string>): string {
  const done = new Set<string>();
  const scripts = html.replace(/<script\b([^>]*?)\ssrc="([^"]+)"([^>]*)>\s*<\/script>/g, (whole, before: string, src: string, after: string) => {
    const code = assets.get(src);
    if (code === undefined) return whole;
    if (done.has(src)) return '';
    done.add(src);
    // `</script` inside the code would end the element early; `<\/` means the same in JavaScript strings.
    return `<script${before}${after}>${code.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
  });
  return scripts.replace(/<link\b[^>]*\brel="stylesheet"[^>]*>/g, (whole) => {
    const href = /\shref="([^"]+)"/.exec(whole)?.[1];
    const css = href === undefined ? undefined : assets.get(href);
    return css === undefined ? whole : `<style type="text/css">${css}</style>`;
  });
}

/**
 * The page's style sheet assets (`.css`) without the rules no element of the page can match, for a
 * single file: JupyterLab's style sheet alone is ~0.5 MB, most of it for widgets a static page
 * never shows. PurgeCSS (a maintained library) keeps every rule whose class, id, attribute or tag
 * names occur as words in the page or in its scripts (plotly.js creates its DOM at run time, and
 * its bundle names every element and class it creates); CSS variables, fonts and keyframes are
 * kept whole. Other assets are returned unchanged.
 */
export async function trimStyles(assets: ReadonlyMap<string, string>, page: string): Promise<Map<string, string>> {
  const { PurgeCSS } = await import('purgecss');
  const scripts = [...assets].filter(([asset]) => !asset.endsWith('.css')).map(([, code]) => code);
  const content = [page, ...scripts].map((raw) => ({ raw, extension: 'html' }));
  const out = new Map(assets);
  for (const [asset, css] of assets) {
    if (!asset.endsWith('.css')) continue;
    const [trimmed] = await new PurgeCSS().purge({ content, css: [{ raw: css }] });
    out.set(asset, trimmed.css);
  }
  return out;
}

/**
 * What a browser would fetch for a page: `src`/`href`/`data` values of its tags and the targets
 * of CSS `url()` and `@import`. Text inside `<script>` bodies is skipped (the inlined plotly
 * bundle mentions URLs it only uses for map tiles); `<a href>` links are navigation, not
 * requests.
 */
function fetchedUrls(html: string): string[] {
  const withoutScripts = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
  const found: string[] = [];
  const tag = /<(?!a\b)([a-z][a-z0-9]*)\b[^>]*?\s(src|href|data)\s*=\s*["']?([^"'\s>]+)/gi;
  for (let m = tag.exec(withoutScripts); m; m = tag.exec(withoutScripts)) found.push(m[3]);
  const cssUrl = /(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)/gi;
  for (let m = cssUrl.exec(withoutScripts); m; m = cssUrl.exec(withoutScripts)) found.push(m[1]);
  return found;
}

/** The `fetchedUrls` of a page on other origins (http:, https:, file:, ftp:, //host). */
export function externalReferences(html: string): string[] {
  return fetchedUrls(html).filter((url) => /^(https?:|file:|\/\/|ftp:)/i.test(url));
}

/**
 * The `fetchedUrls` of a page that are relative paths, i.e. files beside it: what a page opened
 * alone cannot load. Fragments (`#…`) and URLs with a scheme (`data:`, `blob:`, …; other origins
 * are `externalReferences`) need no file beside the page.
 */
export function localReferences(html: string): string[] {
  return fetchedUrls(html).filter((url) => !/^(#|[a-z][a-z0-9+.-]*:|\/\/)/i.test(url));
}

function copyMathJax(dest: string): void {
  for (const part of MATHJAX_PARTS) {
    const from = path.join(MATHJAX_DIR, part);
    if (!fs.existsSync(from)) continue; // a trimmed MathJax install; the browser test would notice
    fs.cpSync(from, path.join(dest, part), { recursive: true, dereference: true });
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The site's front page: one entry per notebook (link, title, first heading). */
export function indexHtml(pages: readonly SitePage[]): string {
  const items = pages
    .map((p) => {
      const heading = p.heading ? `<div class="heading">${escapeHtml(p.heading)}</div>` : '';
      return `<li><a href="${encodeURI(p.page)}">${escapeHtml(p.title)}</a> <span class="file">${escapeHtml(p.file)}</span>${heading}</li>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>divelab notebooks</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
li { margin: 0.6rem 0; }
a { font-size: 1.1rem; }
.file { color: #888; font-size: 0.85rem; margin-left: 0.5rem; }
.heading { color: #555; }
</style>
</head>
<body>
<h1>divelab notebooks</h1>
<p>Executed notebooks of the DeepDIVE research environment (arXiv 2501.08710). Every page works offline.</p>
<ul id="notebooks">
${items}
</ul>
</body>
</html>
`;
}
