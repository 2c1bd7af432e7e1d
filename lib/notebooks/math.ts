/**
 * LaTeX in an exported page typeset at export time: MathJax 4 (`@mathjax/src`, the MathJax
 * Consortium's maintained source package) runs in Node on the page's HTML (its lite DOM, no
 * browser), turns every `$…$`, `$$…$$`, `\(…\)`, `\[…\]` and `\begin{env}…\end{env}` into inline
 * SVG, and adds the one style sheet and one `<defs>` block of glyph paths the SVGs share. The page
 * then needs no MathJax at run time, which is what lets a page opened alone (an e-mail
 * attachment, `file://`, no network) show its formulas.
 *
 * The delimiters, escapes (`\$` is a dollar sign) and skipped tags (`pre`, `code`, `script`, …)
 * are those of nbconvert's MathJax 2 configuration, so a formula renders here exactly where the
 * site's MathJax renders it. MathJax is loaded on first use only (it is large, and most `dive`
 * commands never typeset).
 */

/** What `typesetMath` did. */
export interface TypesetResult {
  /** The page with its formulas replaced by SVG (unchanged when it has none). */
  html: string;
  /** Formulas typeset. */
  formulas: number;
  /** TeX source of every formula MathJax could not parse (shown in the page as a red error box). */
  errors: string[];
}

/** Delimiters of nbconvert's MathJax configuration (templates/base/mathjax.html.j2). */
export const TEX_DELIMITERS = {
  inlineMath: [['$', '$'], ['\\(', '\\)']] as [string, string][],
  displayMath: [['$$', '$$'], ['\\[', '\\]']] as [string, string][],
};

/**
 * TeX packages loaded: those of MathJax 2's `TeX-AMS_CHTML-full` configuration that the site uses
 * (AMS maths and symbols, `\newcommand`, undefined macros shown in red instead of failing) and the
 * extensions MathJax 2 autoloads for common macros (`\boldsymbol`, `\color`, `\cancel`, `\bbox`,
 * `\text{…$x$…}`, braket notation, mathtools).
 */
const TEX_PACKAGES: Record<string, string> = {
  base: 'base/BaseConfiguration',
  ams: 'ams/AmsConfiguration',
  newcommand: 'newcommand/NewcommandConfiguration',
  noundefined: 'noundefined/NoUndefinedConfiguration',
  boldsymbol: 'boldsymbol/BoldsymbolConfiguration',
  color: 'color/ColorConfiguration',
  cancel: 'cancel/CancelConfiguration',
  bbox: 'bbox/BboxConfiguration',
  textmacros: 'textmacros/TextMacrosConfiguration',
  braket: 'braket/BraketConfiguration',
  mathtools: 'mathtools/MathtoolsConfiguration',
};

/** MathJax's modules (its ESM build, through `import()`); the lite DOM handler registered once. */
async function loadModules() {
  const { mathjax } = await import('@mathjax/src/js/mathjax.js');
  const { liteAdaptor } = await import('@mathjax/src/js/adaptors/liteAdaptor.js');
  const { RegisterHTMLHandler } = await import('@mathjax/src/js/handlers/html.js');
  const { TeX } = await import('@mathjax/src/js/input/tex.js');
  const { SVG } = await import('@mathjax/src/js/output/svg.js');
  // The font's rarer glyph ranges are loaded on demand, with import().
  await import('@mathjax/src/js/util/asyncLoad/esm.js');
  for (const file of Object.values(TEX_PACKAGES)) await import(`@mathjax/src/js/input/tex/${file}.js`);
  const { MathJaxNewcmFont } = await import('@mathjax/mathjax-newcm-font/js/svg.js');
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  return { mathjax, adaptor, TeX, SVG, font: MathJaxNewcmFont };
}

let engine: ReturnType<typeof loadModules> | undefined;

/** MathJax's modules, loaded once per process. */
function loadEngine(): ReturnType<typeof loadModules> {
  engine ??= loadModules();
  return engine;
}

/**
 * Typeset every formula of a complete HTML page as SVG (see the module comment). Text outside
 * formulas is kept; the HTML is re-serialised by MathJax's lite DOM, which writes characters
 * such as `—` or a no-break space as UTF-8 instead of entities (the page declares UTF-8).
 */
export async function typesetMath(page: string): Promise<TypesetResult> {
  const { mathjax, adaptor, TeX, SVG, font } = await loadEngine();
  const tex = new TeX({
    packages: Object.keys(TEX_PACKAGES),
    ...TEX_DELIMITERS,
    processEscapes: true,
    processEnvironments: true,
  });
  const svg = new SVG({ fontData: font, fontCache: 'global', linebreaks: { inline: false } });
  const doc = mathjax.document(page, { InputJax: tex, OutputJax: svg });
  await mathjax.handleRetriesFor(() => doc.render());
  const formulas: string[] = [];
  const errors: string[] = [];
  for (const item of doc.math) {
    if (item.start.delim === '\\' && /^[\\$]$/.test(item.math)) continue; // an escape (`\$`, `\\`), not a formula
    formulas.push(item.math);
    let failed = false;
    item.root.walkTree((node) => {
      if (node.isKind('merror')) failed = true;
    });
    if (failed) errors.push(item.math);
  }
  if (formulas.length === 0) return { html: page, formulas: 0, errors };
  const html = `${adaptor.doctype(doc.document)}\n${adaptor.outerHTML(adaptor.root(doc.document))}`;
  return { html, formulas: formulas.length, errors };
}
