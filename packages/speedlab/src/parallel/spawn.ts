/**
 * Starting a worker thread on ./worker: the compiled `worker.js` next to this module when
 * running from the build (dist/, as `dive` does), or — when running from the TypeScript
 * sources (vitest, ts notebooks) — `worker.ts` through a small bootstrap that compiles each
 * required .ts file with the `typescript` package's transpileModule (a devDependency; type
 * checking is left to tsc), caching the output on disk, and that resolves `divelab/lib/…` and
 * `@divelab/speedlab` to their sources as well (one copy of each module in the worker).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Runs in the worker before the entry: a `.ts` require hook, then require(entry). Compiled
 * modules are cached on disk (os.tmpdir()/divelab-ts-cache, keyed by a hash of path and
 * source, written atomically), so typescript itself is loaded only when a source changed.
 */
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const Module = require('node:module');
const cacheDir = path.join(os.tmpdir(), 'divelab-ts-cache');
let ts;
// As vitest's aliases: divelab/lib/… and @divelab/speedlab are the TypeScript sources too.
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('divelab/lib/')) request = path.join(workerData.__divelabLib, request.slice('divelab/lib/'.length));
  else if (request === '@divelab/speedlab') request = workerData.__speedlabIndex;
  return resolve.call(this, request, ...rest);
};
Module._extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(filename).update('\\0').update(src).digest('hex').slice(0, 32);
  const cached = path.join(cacheDir, key + '.js');
  let out;
  try {
    out = fs.readFileSync(cached, 'utf8');
  } catch {
    ts = ts || require(workerData.__typescript);
    out = ts.transpileModule(src, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    }).outputText;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = cached + '.' + process.pid + '.' + require('node:worker_threads').threadId + '.tmp';
      fs.writeFileSync(tmp, out);
      fs.renameSync(tmp, cached);
    } catch {
      // an unwritable cache only costs time
    }
  }
  module._compile(out, filename);
};
require(workerData.__entry);
`;

/** How the worker entry is loaded: compiled JS or TypeScript sources. */
export function workerEntry(): { kind: 'js' | 'ts'; file: string } {
  const js = path.join(__dirname, 'worker.js');
  if (__filename.endsWith('.js') && fs.existsSync(js)) return { kind: 'js', file: js };
  const ts = path.join(__dirname, 'worker.ts');
  if (fs.existsSync(ts)) return { kind: 'ts', file: ts };
  throw new Error(`data-parallel worker entry not found next to ${__filename} (run 'npm run build')`);
}

/** Start one worker with `data` as its workerData. */
export function startWorker(data: object): Worker {
  const entry = workerEntry();
  if (entry.kind === 'js') return new Worker(entry.file, { workerData: data });
  let typescript: string;
  try {
    typescript = require.resolve('typescript');
  } catch {
    throw new Error('running data-parallel workers from TypeScript sources needs the typescript package (npm install), or use the compiled build');
  }
  const divelabLib = path.resolve(__dirname, '..', '..', '..', '..', 'lib');
  const speedlabIndex = path.resolve(__dirname, '..', 'index.ts');
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...data, __entry: entry.file, __typescript: typescript, __divelabLib: divelabLib, __speedlabIndex: speedlabIndex } });
}
