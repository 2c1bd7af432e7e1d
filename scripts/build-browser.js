#!/usr/bin/env node
/**
 * Builds the browser bundle of divelab's pure parts (lib/browser.ts) with esbuild:
 * dist/browser/divelab-pure.js (an IIFE defining the global `divelabPure`, minified, no source
 * map) and dist/browser/divelab-pure.json (version, sha256, size, the figure builders of its
 * `figures` namespace, the bundled source files). Part of `npm run build`; lib/notebooks/build.ts
 * reruns it when a bundled source is newer than the bundle.
 *
 * It fails when any bundled module needs Node (esbuild's browser platform resolves no Node
 * built-in) or TensorFlow.js, and it evaluates the bundle in a V8 context that has only the
 * language's globals (node:vm), so the manifest's list of figures comes from the bundle itself.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist', 'browser');
const GLOBAL = 'divelabPure';

async function main() {
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  fs.mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['lib/browser.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: GLOBAL,
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent',
    banner: { js: `/* divelab-pure ${version}: divelab's theory, metrics and figure builders for the browser (lib/browser.ts); MIT */` },
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  const forbidden = inputs.filter((f) => /(^|\/)node_modules\/@tensorflow\//.test(f) || /^node:/.test(f));
  if (forbidden.length) throw new Error(`the browser bundle must not contain ${forbidden[0]} (${forbidden.length} such input(s)); keep tfjs and Node out of lib/browser.ts's imports`);
  const code = result.outputFiles[0].text;
  const sandbox = vm.createContext({});
  vm.runInContext(`${code}\nthis.${GLOBAL} = ${GLOBAL};`, sandbox, { filename: 'divelab-pure.js' });
  const lib = sandbox[GLOBAL];
  const figures = Object.keys(lib.figures).filter((k) => typeof lib.figures[k] === 'function' && /Figure$/.test(k)).sort();
  const manifest = {
    version,
    sha256: crypto.createHash('sha256').update(code).digest('hex'),
    bytes: Buffer.byteLength(code),
    global: GLOBAL,
    figures,
    inputs,
  };
  // Bundle first, manifest last: a manifest never describes a bundle not yet written.
  for (const [file, text] of [['divelab-pure.js', code], ['divelab-pure.json', `${JSON.stringify(manifest, null, 2)}\n`]]) {
    const tmp = path.join(outDir, `.${file}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, path.join(outDir, file));
  }
  console.log(`dist/browser/divelab-pure.js: ${(manifest.bytes / 1024).toFixed(0)} KiB, ${inputs.length} modules, figures ${figures.join(', ')}`);
}

main().catch((err) => {
  console.error(`build-browser: ${err.message.split('\n')[0]}`);
  if (err.errors) for (const e of err.errors.slice(0, 5)) console.error(`  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
  process.exit(1);
});
