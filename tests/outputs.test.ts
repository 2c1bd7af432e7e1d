/**
 * Nothing a user owns is overwritten (lib/util/outputDir.ts): every command that writes refuses
 * an existing file, and a non-empty folder that is not a divelab output, with one `dive: …`
 * line and exit 2, and leaves it as it was. One test per writing command.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main';
import { UserError } from '../lib/util/errors';
import { checkOutputDir, markOutputDir, OUTPUT_MARKER } from '../lib/util/outputDir';
import { capture } from './io';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-outputs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A user's file: its path and a fingerprint of its bytes. */
function userFile(name: string): { file: string; sum: () => string } {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `my notes ${name}\n`);
  return { file, sum: () => createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
}

/** A user's non-empty folder: its path and a listing with fingerprints. */
function userFolder(name: string): { dir: string; state: () => string } {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'thesis.tex'), 'chapter 1\n');
  fs.writeFileSync(path.join(dir, 'sub', 'data.csv'), 'a,b\n1,2\n');
  const state = (): string => {
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(d, e.name);
      return e.isDirectory() ? [`${p}/`, ...walk(p)] : [`${p} ${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`];
    });
    return walk(dir).sort().join('\n');
  };
  return { dir, state };
}

async function refused(args: string[], pattern: RegExp): Promise<void> {
  const io = capture();
  const code = await main(args, io);
  expect(io.stderr, io.stderr.join('\n')).toHaveLength(1);
  expect(io.stderr[0]).toMatch(/^dive: /);
  expect(io.stderr[0]).toMatch(pattern);
  expect(code).toBe(2);
  expect(io.stdout).toEqual([]);
}

describe('checkOutputDir', () => {
  it('accepts a missing path, an empty folder, a marked folder and a known layout; refuses a file and a foreign folder', () => {
    const t = { writes: 'a thing', ownEntries: ['checkpoint.json'] };
    expect(() => checkOutputDir(path.join(tmp, 'does-not-exist'), t)).not.toThrow();
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    expect(() => checkOutputDir(empty, t)).not.toThrow();
    const { file } = userFile('unit.txt');
    expect(() => checkOutputDir(file, t)).toThrow(UserError);
    expect(() => checkOutputDir(file, t)).toThrow(/is an existing file; divelab writes a thing there and never replaces a file/);
    const { dir } = userFolder('unit-folder');
    expect(() => checkOutputDir(dir, t)).toThrow(/is a folder with files divelab did not write \(sub, thesis\.tex\)/);
    const marked = path.join(tmp, 'marked');
    markOutputDir(marked, 'test');
    fs.writeFileSync(path.join(marked, 'x'), '');
    expect(fs.existsSync(path.join(marked, OUTPUT_MARKER))).toBe(true);
    expect(() => checkOutputDir(marked, t)).not.toThrow();
    const layout = path.join(tmp, 'layout');
    fs.mkdirSync(layout);
    fs.writeFileSync(path.join(layout, 'checkpoint.json'), '{}');
    expect(() => checkOutputDir(layout, t)).not.toThrow();
  });
});

describe('every command that writes refuses what a user owns', () => {
  it('dive train --out existing-file: exit 2, one line, the file unchanged', async () => {
    const f = userFile('notes.txt');
    const before = f.sum();
    await refused(['train', '--model', 'deepdive', '--data', 'synthetic', '--epochs', '1', '--out', f.file], /notes\.txt is an existing file; divelab writes a checkpoint folder there/);
    expect(fs.statSync(f.file).isFile()).toBe(true);
    expect(f.sum()).toBe(before);
  });

  it('dive train --out a foreign non-empty folder', async () => {
    const u = userFolder('train-folder');
    const before = u.state();
    await refused(['train', '--model', 'linear', '--data', 'synthetic', '--epochs', '1', '--out', u.dir], /folder with files divelab did not write/);
    expect(u.state()).toBe(before);
  });

  it('dive train --model detaux and sparse-bilevel --out existing-file', async () => {
    const f = userFile('detaux.txt');
    await refused(['train', '--model', 'detaux', '--data', 'synthetic', '--quick', '--out', f.file], /is an existing file; divelab writes a Detaux run folder/);
    const g = userFile('sparse.txt');
    await refused(['train', '--model', 'sparse-bilevel', '--data', 'synthetic', '--quick', '--out', g.file], /is an existing file; divelab writes a sparse-bilevel run folder/);
    const u = userFolder('sparse-folder');
    const before = u.state();
    await refused(['train', '--model', 'sparse-bilevel', '--data', 'synthetic', '--quick', '--out', u.dir], /did not write/);
    expect(u.state()).toBe(before);
  });

  it('dive reproduce and dive tune --out', async () => {
    const f = userFile('results.txt');
    const before = f.sum();
    await refused(['reproduce', '--quick', '--only', 'figures', '--out', f.file], /is an existing file; divelab writes a results folder/);
    expect(f.sum()).toBe(before);
    const u = userFolder('tune-folder');
    const state = u.state();
    await refused(['tune', '--quick', '--out', u.dir], /did not write/);
    expect(u.state()).toBe(state);
  });

  it('dive merge --out', async () => {
    const f = userFile('merged.txt');
    await refused(['merge', path.join(tmp, 'no-such-shard'), '--out', f.file], /is an existing file; divelab writes a results folder/);
    expect(fs.readFileSync(f.file, 'utf8')).toBe('my notes merged.txt\n');
  });

  it('dive notebooks run --out and dive notebooks export --out', async () => {
    const f = userFile('executed.txt');
    await refused(['notebooks', 'run', '01', '--out', f.file, '--no-build'], /is an existing file; divelab writes executed notebooks/);
    const u = userFolder('site-folder');
    const state = u.state();
    await refused(['notebooks', 'export', '--in', path.join(tmp, 'none'), '--out', u.dir], /did not write/);
    expect(u.state()).toBe(state);
  });

  it('dive notebooks export --single: a bad name lists the notebooks; an existing file or a foreign folder is refused', async () => {
    // The source notebooks stand in for executed ones: every refusal comes before any conversion.
    const sources = path.join(__dirname, '..', 'notebooks');
    const fresh = path.join(tmp, 'single-fresh');
    await refused(['notebooks', 'export', '--in', sources, '--single', 'no-such-notebook', '--out', fresh], /no notebook 'no-such-notebook' in .*\(have: 00-tour\.ipynb, .*03-log-concave-mixture-kl-bound\.ipynb/);
    expect(fs.existsSync(fresh)).toBe(false);
    const f = userFile('single.html');
    await refused(['notebooks', 'export', '--in', sources, '--single', '03', '--out', f.file], /is an existing file; divelab writes single-file notebook pages/);
    expect(fs.readFileSync(f.file, 'utf8')).toBe('my notes single.html\n');
    const u = userFolder('single-folder');
    const state = u.state();
    await refused(['notebooks', 'export', '--in', sources, '--single', '03', '--out', u.dir], /folder with files divelab did not write/);
    expect(u.state()).toBe(state);
  });

  it('dive jobs slurm --out and dive jobs kubernetes --dir', async () => {
    const f = userFile('jobs.txt');
    await refused(['jobs', 'slurm', '--shards', '2', '--out', f.file, '--', '--quick'], /is an existing file; divelab writes a results folder/);
    const u = userFolder('k8s-folder');
    const state = u.state();
    await refused(['jobs', 'kubernetes', '--shards', '2', '--image', 'divelab:test', '--dir', u.dir, '--', '--quick'], /^dive: --dir .* did not write/);
    expect(u.state()).toBe(state);
    // What jobs slurm writes is accepted by the reproduction it prepares (the marker).
    const out = path.join(tmp, 'slurm-results');
    expect(await main(['jobs', 'slurm', '--shards', '2', '--out', out, '--', '--quick'], capture())).toBe(0);
    expect(fs.existsSync(path.join(out, OUTPUT_MARKER))).toBe(true);
    expect(() => checkOutputDir(out, { writes: 'a results folder' })).not.toThrow();
  });

  it('dive data fetch: a different file already in the cache is refused, not replaced', async () => {
    const cache = path.join(tmp, 'cache');
    const file = path.join(cache, 'ett', 'ETTh1.csv');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'date,OT\n2020-01-01 00:00:00,1\n');
    const saved = { dir: process.env.DIVE_DATA_DIR, mirror: process.env.DIVE_DATA_MIRROR };
    process.env.DIVE_DATA_DIR = cache;
    process.env.DIVE_DATA_MIRROR = path.join(tmp, 'empty-mirror');
    try {
      await refused(['data', 'fetch', 'ett-h1'], /ETTh1\.csv exists and is not the published ett\/ETTh1\.csv \(its sha256 differs\); divelab does not replace it/);
    } finally {
      for (const [k, v] of [['DIVE_DATA_DIR', saved.dir], ['DIVE_DATA_MIRROR', saved.mirror]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('date,OT\n2020-01-01 00:00:00,1\n');
  });
});
