/** `dive jobs slurm|kubernetes|validate`: generated job files, their validation, bad input. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { main } from '../../lib/cli/main';
import { validateManifest } from '../../lib/cluster/kubernetes';
import { resolveAutoShard } from '../../lib/cluster/shardEnv';
import { capture } from '../io';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-jobs-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function dive(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

const REPRO = ['--quick', '--only', 'ablation-lambda', '--seeds', '2', '--html-only'];

describe('dive jobs slurm', () => {
  it('writes an array job, a merge job and a submit script that chains them', async () => {
    const out = path.join(root, 'slurm-results');
    const r = await dive(['jobs', 'slurm', '--shards', '3', '--out', out, '--partition', 'cpu', '--account', 'lab', '--max-parallel', '2', '--time', '02:00:00', '--', ...REPRO]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`next: +bash ${out}/slurm/submit.sh`));
    const dir = path.join(out, 'slurm');
    expect(fs.readdirSync(dir).sort()).toEqual(['merge.sbatch', 'shards.sbatch', 'submit.sh']);
    expect(fs.existsSync(path.join(out, 'logs'))).toBe(true); // Slurm does not create log folders
    const shards = fs.readFileSync(path.join(dir, 'shards.sbatch'), 'utf8');
    const directives = shards.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(directives).toEqual(
      expect.arrayContaining([
        '#SBATCH --array=0-2%2',
        '#SBATCH --time=02:00:00',
        '#SBATCH --cpus-per-task=1',
        '#SBATCH --mem=4G',
        `#SBATCH --output=${out}/logs/%x-%A_%a.out`,
        '#SBATCH --requeue',
        '#SBATCH --partition=cpu',
        '#SBATCH --account=lab',
      ]),
    );
    expect(shards).toContain('export DIVE_SHARD_BASE=0');
    const exec = shards.split('\n').find((l) => l.startsWith('exec '));
    expect(exec).toMatch(new RegExp(`bin/dive\\.js reproduce ${REPRO.join(' ')} --out ${out} --shard auto/3$`));
    // Every array index 0..2 is a different shard of 3 (and a resubmitted index stays itself).
    const text = /--shard (\S+)$/.exec(exec ?? '')?.[1] ?? '';
    expect([0, 1, 2].map((i) => resolveAutoShard(text, { SLURM_ARRAY_TASK_ID: `${i}`, SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', DIVE_SHARD_BASE: '0' }).shard.index)).toEqual([1, 2, 3]);
    expect(resolveAutoShard(text, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '2', DIVE_SHARD_BASE: '0' }).shard).toEqual({ index: 3, count: 3 });
    const merge = fs.readFileSync(path.join(dir, 'merge.sbatch'), 'utf8');
    expect(merge).toMatch(new RegExp(`bin/dive\\.js merge ${out} --out ${out} --html-only$`, 'm'));
    const submit = fs.readFileSync(path.join(dir, 'submit.sh'), 'utf8');
    expect(submit).toContain('--dependency="afterok:$array" --kill-on-invalid-dep=yes');
    for (const f of ['shards.sbatch', 'merge.sbatch', 'submit.sh']) {
      const file = path.join(dir, f);
      expect(fs.statSync(file).mode & 0o111).not.toBe(0);
      const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
      expect(syntax.status, `${f}: ${syntax.stderr}`).toBe(0);
    }
  });

  it('--backend webgpu asks Slurm for a GPU per shard and sets DIVE_BACKEND; other backends ask for none; a misspelt one is refused', async () => {
    const out = path.join(root, 'slurm-gpu');
    const r = await dive(['jobs', 'slurm', '--shards', '2', '--out', out, '--backend', 'webgpu', '--', ...REPRO]);
    expect(r.code, r.stderr).toBe(0);
    const shards = fs.readFileSync(path.join(out, 'slurm', 'shards.sbatch'), 'utf8');
    expect(shards.split('\n').filter((l) => l.startsWith('#SBATCH --gres'))).toEqual(['#SBATCH --gres=gpu:1']);
    expect(shards).toContain('\nexport DIVE_BACKEND=webgpu\n');
    // The merge only reads results: no GPU.
    expect(fs.readFileSync(path.join(out, 'slurm', 'merge.sbatch'), 'utf8')).not.toMatch(/gres|DIVE_BACKEND/);
    const cpuOut = path.join(root, 'slurm-wasm');
    expect((await dive(['jobs', 'slurm', '--shards', '2', '--out', cpuOut, '--backend', 'wasm', '--', ...REPRO])).code).toBe(0);
    const cpu = fs.readFileSync(path.join(cpuOut, 'slurm', 'shards.sbatch'), 'utf8');
    expect(cpu).not.toMatch(/--gres/);
    expect(cpu).toContain('\nexport DIVE_BACKEND=wasm\n');
    const bad = await dive(['jobs', 'slurm', '--shards', '2', '--out', path.join(root, 'slurm-bad'), '--backend', 'webgpuu', '--', ...REPRO]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dive: --backend: unknown backend 'webgpuu': use one of .*webgpu/);
    expect(fs.existsSync(path.join(root, 'slurm-bad', 'slurm'))).toBe(false);
  });

  it('a plan that tunes first queues the array twice: trials, then the test runs, then the merge', async () => {
    const out = path.join(root, 'slurm-tune');
    const r = await dive(['jobs', 'slurm', '--shards', '2', '--out', out, '--json', '--', '--quick']); // all experiments: 'tune' included
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tuning: true, shards: 2 });
    const submit = fs.readFileSync(path.join(out, 'slurm', 'submit.sh'), 'utf8');
    const sbatchLines = submit.split('\n').filter((l) => l.includes('sbatch --parsable'));
    expect(sbatchLines).toEqual([
      'tune="$(sbatch --parsable "$@" "$here/shards.sbatch")"',
      'array="$(sbatch --parsable --dependency="afterok:$tune" --kill-on-invalid-dep=yes "$@" "$here/shards.sbatch")"',
      'merge="$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "$here/merge.sbatch")"',
    ]);
    expect(spawnSync('bash', ['-n', path.join(out, 'slurm', 'submit.sh')]).status).toBe(0);
    // Without the tuning stage (--only without 'tune'): one pass.
    const plain = fs.readFileSync(path.join(root, 'slurm-results', 'slurm', 'submit.sh'), 'utf8');
    expect(plain.split('\n').filter((l) => l.includes('sbatch --parsable'))).toHaveLength(2);
  });

  it('bad input: one line naming the thing, exit 2, nothing written', async () => {
    const out = path.join(root, 'never');
    const cases: [string[], RegExp][] = [
      [['jobs', 'slurm', '--out', out, '--', '--quick'], /--shards N is required/],
      [['jobs', 'slurm', '--shards', '99', '--out', out, '--', ...REPRO], /--shards 99 is more than the \d+ runs/],
      [['jobs', 'slurm', '--shards', '2', '--out', out, '--', '--quick', '--out', 'x'], /--out is set by 'dive jobs' itself/],
      [['jobs', 'slurm', '--shards', '2', '--out', out, '--', '--quick', '--shard', '1/2'], /--shard is set by 'dive jobs' itself/],
      [['jobs', 'slurm', '--shards', '2', '--out', out, '--', '--quick', '--only', 'nope'], /unknown experiment 'nope'/],
      [['jobs', 'slurm', '--shards', '2', '--out', out, '--', '--quik'], /unknown option --quik for 'dive reproduce'/],
      [['jobs', 'slurm', '--shards', '2', '--out', path.join(root, 'a b'), '--', '--quick'], /cannot go into an #SBATCH line/],
      [['jobs', 'slurm', '--shards', '2', '--out', out, '--time', 'soon', '--', '--quick'], /--time must be a Slurm time limit/],
      [['jobs', 'slurm', '--shards', '2', '--out', out, '--name', 'Bad_Name', '--', '--quick'], /--name 'Bad_Name' must be lower-case/],
    ];
    for (const [argv, msg] of cases) {
      const r = await dive(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(root, 'a b'))).toBe(false);
  });
});

describe('dive jobs kubernetes', () => {
  const dir = path.join(root, 'k8s');
  const docs = (): Record<string, Record<string, any>> =>
    Object.fromEntries(['pvc', 'shards', 'merge'].map((n) => [n, parse(fs.readFileSync(path.join(dir, `${n}.yaml`), 'utf8')) as Record<string, any>]));

  it('writes an Indexed Job, a follow-up merge Job and a claim; all validate', async () => {
    const r = await dive(['jobs', 'kubernetes', '--shards', '4', '--image', 'registry.example/divelab:1.0', '--dir', dir, '--name', 'dive-lambda', '--parallelism', '2', '--env', 'DIVE_DATA_DIR=/results/data', '--', ...REPRO]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kubectl wait --for=condition=complete --timeout=24h job\/dive-lambda-shards && kubectl apply -f .*merge\.yaml/);
    const { pvc, shards, merge } = docs();
    for (const m of [pvc, shards, merge]) expect(validateManifest(m)).toEqual([]);
    expect(shards.spec).toMatchObject({ completions: 4, parallelism: 2, completionMode: 'Indexed', backoffLimitPerIndex: 2 });
    const c = shards.spec.template.spec.containers[0];
    expect(c.command).toEqual(['dive', 'reproduce', ...REPRO, '--out', '/results/dive-lambda', '--shard', 'auto/4']);
    expect(c.env).toEqual([{ name: 'DIVE_DATA_DIR', value: '/results/data' }]);
    expect(c.volumeMounts).toEqual([{ name: 'results', mountPath: '/results' }]);
    expect(shards.spec.template.spec.volumes).toEqual([{ name: 'results', persistentVolumeClaim: { claimName: pvc.metadata.name } }]);
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(merge.spec.template.spec.containers[0].command).toEqual(['dive', 'merge', '/results/dive-lambda', '--out', '/results/dive-lambda', '--html-only']);
    // Pod i of the Indexed Job is shard i+1 of 4.
    const shardArg = c.command[c.command.length - 1] as string;
    expect([0, 1, 2, 3].map((i) => resolveAutoShard(shardArg, { JOB_COMPLETION_INDEX: `${i}` }).shard.index)).toEqual([1, 2, 3, 4]);

    const v = await dive(['jobs', 'validate', ...['pvc', 'shards', 'merge'].map((n) => path.join(dir, `${n}.yaml`))]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/3 of 3 document\(s\) valid \(Kubernetes v1\.33\.0 OpenAPI/);
    expect(fs.existsSync(path.join(dir, 'tune.yaml'))).toBe(false); // no tuning stage in this plan
  });

  it('--backend webgpu gives each shard pod one nvidia.com/gpu (requests = limits) and DIVE_BACKEND; the merge none; all validate', async () => {
    const d = path.join(root, 'k8s-gpu');
    const r = await dive(['jobs', 'kubernetes', '--shards', '2', '--image', 'divelab:1', '--dir', d, '--backend', 'webgpu', '--', ...REPRO]);
    expect(r.code, r.stderr).toBe(0);
    const read = (n: string): Record<string, any> => parse(fs.readFileSync(path.join(d, `${n}.yaml`), 'utf8')) as Record<string, any>;
    const [shards, merge] = [read('shards'), read('merge')];
    for (const m of [read('pvc'), shards, merge]) expect(validateManifest(m)).toEqual([]);
    const c = shards.spec.template.spec.containers[0];
    expect(c.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(c.resources.requests['nvidia.com/gpu']).toBe(1);
    expect(c.env).toEqual([{ name: 'DIVE_BACKEND', value: 'webgpu' }]);
    expect(merge.spec.template.spec.containers[0].resources.limits).not.toHaveProperty(['nvidia.com/gpu']);
    // The API server's rules for an extended resource: whole, in limits, requests = limits.
    const broken = (edit: (res: any) => void): string[] => {
      const m = structuredClone(shards);
      edit(m.spec.template.spec.containers[0].resources);
      return validateManifest(m);
    };
    expect(broken((res) => delete res.limits['nvidia.com/gpu'])).toEqual([expect.stringMatching(/resources\/limits\/nvidia\.com\/gpu: an extended resource requested must also be in limits/)]);
    expect(broken((res) => (res.requests['nvidia.com/gpu'] = 2))).toEqual([expect.stringMatching(/resources\/requests\/nvidia\.com\/gpu: must equal limits/)]);
    expect(broken((res) => (res.limits['nvidia.com/gpu'] = res.requests['nvidia.com/gpu'] = '500m'))).toEqual(expect.arrayContaining([expect.stringMatching(/an extended resource must be a whole number, got "500m"/)]));
  });

  it('a plan that tunes first gets a tune Job (the same Indexed Job) to apply before the shards', async () => {
    const d = path.join(root, 'k8s-tune');
    const r = await dive(['jobs', 'kubernetes', '--shards', '3', '--image', 'divelab:1', '--dir', d, '--', '--quick']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kubectl wait --for=condition=complete --timeout=24h job\/dive-reproduce-tune && kubectl apply -f .*shards\.yaml/);
    const tune = parse(fs.readFileSync(path.join(d, 'tune.yaml'), 'utf8')) as Record<string, any>;
    const shards = parse(fs.readFileSync(path.join(d, 'shards.yaml'), 'utf8')) as Record<string, any>;
    expect(validateManifest(tune)).toEqual([]);
    expect(tune.metadata.name).toBe('dive-reproduce-tune');
    expect(tune.spec.completions).toBe(3);
    expect(tune.spec.template.spec.containers[0].command).toEqual(shards.spec.template.spec.containers[0].command);
  });

  it('broken manifests fail validation, each with the path at fault', async () => {
    const { shards } = docs();
    const broken = (edit: (m: any) => void): string[] => {
      const m = structuredClone(shards);
      edit(m);
      return validateManifest(m);
    };
    // (the API server would also refuse backoffLimitPerIndex on a non-Indexed Job)
    expect(broken((m) => (m.spec.completionMode = 'Indexd'))[0]).toMatch(/^\/spec\/completionMode: must be equal to one of the allowed values \(Indexed, NonIndexed\)/);
    expect(broken((m) => delete m.spec.template.spec.containers[0].image)).toEqual([expect.stringMatching(/^\/spec\/template\/spec\/containers\/0\/image: required/)]);
    expect(broken((m) => (m.spec.completions = '4'))).toEqual(expect.arrayContaining([expect.stringMatching(/^\/spec\/completions: must be integer/)]));
    expect(broken((m) => delete m.spec.template.spec.containers)).toEqual(expect.arrayContaining([expect.stringMatching(/containers/)]));
    expect(broken((m) => (m.spec.template.spec.restartPolicy = 'Always'))).toEqual([expect.stringMatching(/restartPolicy: a Job's pods need Never or OnFailure/)]);
    expect(broken((m) => delete m.spec.completions)).toEqual([expect.stringMatching(/\/spec\/completions: required when completionMode is Indexed/)]);
    expect(broken((m) => (m.spec.template.spec.volumes[0].name = 'other'))).toEqual([expect.stringMatching(/volumeMounts\/0\/name: no volume named "results"/)]);
    expect(broken((m) => (m.metadata.name = 'Dive_Shards'))).toEqual([expect.stringMatching(/\/metadata\/name/)]);
    expect(broken((m) => (m.kind = 'Jobb'))).toEqual([expect.stringMatching(/unknown kind/)]);

    // Through the CLI: a two-document file with one broken Job → exit 1, the error printed.
    const m = structuredClone(shards);
    m.spec.completionMode = 'Indexd';
    const file = path.join(root, 'broken.yaml');
    fs.writeFileSync(file, `${stringify(shards)}---\n${stringify(m)}`);
    expect(parseAllDocuments(fs.readFileSync(file, 'utf8'))).toHaveLength(2);
    const v = await dive(['jobs', 'validate', file]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/broken\.yaml: Job dive-lambda-shards: \/spec\/completionMode: must be equal to one of the allowed values/);
    expect(v.stdout).toMatch(/1 of 2 document\(s\) valid/);
    const missing = await dive(['jobs', 'validate', path.join(root, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/manifest .*nope\.yaml not found/);
  });

  it('bad input: exit 2, nothing written', async () => {
    const d = path.join(root, 'k8s-never');
    for (const [argv, msg] of [
      [['jobs', 'kubernetes', '--shards', '2', '--dir', d, '--', '--quick'], /--image is required/],
      [['jobs', 'kubernetes', '--shards', '2', '--image', 'x', '--dir', d, '--out', '/elsewhere/r', '--', '--quick'], /must lie on the results volume/],
      [['jobs', 'kubernetes', '--shards', '2', '--image', 'x', '--dir', d, '--env', 'NOVALUE', '--', '--quick'], /--env 'NOVALUE' must be NAME=VALUE/],
      [['jobs', 'kubernetes', '--shards', '2', '--image', 'x', '--dir', d, '--memory', 'lots', '--', '--quick'], /would not validate/],
    ] as [string[], RegExp][]) {
      const r = await dive(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    expect(fs.existsSync(d)).toBe(false);
  });
});
