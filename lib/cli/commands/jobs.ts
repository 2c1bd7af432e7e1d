/**
 * `dive jobs slurm|kubernetes -- [reproduce options]`: job files that run a reproduction as N
 * shards on a cluster and merge them (lib/cluster, docs/cluster.md); `dive jobs validate FILE…`
 * checks Kubernetes manifests offline. Files are written only after every check passed, each
 * folder atomically; the command prints what to type next.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { Command, OptionSpec, ParsedArgs } from '../../util/command';
import { optList, optNumber, optString } from '../../util/command';
import { kubernetesManifests, SCHEMA_SOURCE, validateManifest } from '../../cluster/kubernetes';
import { checkJobName, reproduceJob, type ReproduceJob } from '../../cluster/reproduceJob';
import { reproduceCommand } from './reproduce';
import { sbatchFiles } from '../../cluster/sbatch';
import { writeDirAtomic } from '../../util/atomic';
import { checkOutputDir, markOutputDir } from '../../util/outputDir';
import { RESULTS_TARGET } from '../../study/run/store';
import { UserError } from '../../util/errors';
import { repoRoot } from '../../util/repo';

const common: OptionSpec[] = [
  { name: 'shards', type: 'integer', value: 'N', description: 'number of shards (array tasks / Job completions), at most the number of runs' },
  { name: 'name', type: 'string', value: 'NAME', default: 'dive-reproduce', description: 'job name (lower-case letters, digits, -)' },
  { name: 'backend', type: 'string', value: 'NAME', description: "the shards' DIVE_BACKEND (dive backend); webgpu asks for one GPU per shard (Slurm --gres=gpu:1, Kubernetes nvidia.com/gpu: 1) [default: each node's automatic choice]" },
];

function shardsOf(args: ParsedArgs): number {
  const n = optNumber(args, 'shards');
  if (n === undefined) throw new UserError("--shards N is required (e.g. --shards 8); 'dive reproduce --quick' plans 31 runs, the full protocol 96");
  return n;
}

function planOf(args: ParsedArgs): ReproduceJob {
  return reproduceJob(args.positionals, shardsOf(args), reproduceCommand);
}

async function writeFiles(dir: string, files: Record<string, string>, executable: readonly string[] = []): Promise<void> {
  await writeDirAtomic(dir, (tmp) => {
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(tmp, name), text, { mode: executable.includes(name) ? 0o755 : 0o644 });
    }
  });
}

export const jobsSlurmCommand: Command = {
  words: ['jobs', 'slurm'],
  summary: 'write a Slurm array job (one task per shard) and its dependent merge job for a reproduction',
  args: '-- [reproduce options]',
  help:
    "Writes OUT/slurm/shards.sbatch (an array job: task i runs 'dive reproduce … --shard auto/N' as shard i+1, all into OUT), " +
    "OUT/slurm/merge.sbatch ('dive merge OUT --out OUT') and OUT/slurm/submit.sh (submits both, the merge with --dependency=afterok; a plan that tunes first gets the array twice, trials then test runs). " +
    'OUT must be a folder every compute node sees. A killed, failed or pre-empted shard resubmitted with ' +
    "'bash OUT/slurm/submit.sh --array=I' skips its finished runs. Example: dive jobs slurm --shards 8 --out $PWD/results -- --seeds 30",
  options: [
    ...common,
    { name: 'out', type: 'string', value: 'DIR', default: 'results', description: 'results folder shared by all shards (made absolute)' },
    { name: 'time', type: 'string', value: 'T', description: 'time limit per shard (Slurm format) [default: 01:00:00 with --quick, 24:00:00 otherwise]' },
    { name: 'mem', type: 'string', value: 'SIZE', default: '4G', description: 'memory per shard and for the merge' },
    { name: 'cpus', type: 'integer', value: 'N', default: 1, description: 'CPUs per shard (training is single-threaded wasm)' },
    { name: 'merge-time', type: 'string', value: 'T', default: '01:00:00', description: 'time limit of the merge job' },
    { name: 'partition', type: 'string', value: 'P', description: 'Slurm partition (default: the cluster default)' },
    { name: 'account', type: 'string', value: 'A', description: 'Slurm account' },
    { name: 'max-parallel', type: 'integer', value: 'M', description: 'at most M shards running at once (--array=…%M)' },
    { name: 'node', type: 'string', value: 'CMD', default: process.execPath, description: 'node on the compute nodes' },
    { name: 'workdir', type: 'string', value: 'DIR', description: 'working directory of the jobs [default: the current one]' },
  ],
  async run(args, io) {
    const job = planOf(args);
    const out = path.resolve(optString(args, 'out') ?? 'results');
    checkOutputDir(out, RESULTS_TARGET);
    const name = checkJobName(optString(args, 'name') ?? 'dive-reproduce', 6);
    const files = sbatchFiles(job, {
      name,
      out,
      workdir: path.resolve(optString(args, 'workdir') ?? process.cwd()),
      node: optString(args, 'node') ?? process.execPath,
      dive: path.join(repoRoot(), 'bin', 'dive.js'),
      time: optString(args, 'time') ?? (job.protocol === 'quick' ? '01:00:00' : '24:00:00'),
      mem: optString(args, 'mem') ?? '4G',
      cpus: optNumber(args, 'cpus') ?? 1,
      mergeTime: optString(args, 'merge-time') ?? '01:00:00',
      partition: optString(args, 'partition'),
      account: optString(args, 'account'),
      maxParallel: optNumber(args, 'max-parallel'),
      backend: optString(args, 'backend'),
    });
    const dir = path.join(out, 'slurm');
    await writeFiles(dir, { ...files }, ['shards.sbatch', 'merge.sbatch', 'submit.sh']);
    fs.mkdirSync(path.join(out, 'logs'), { recursive: true });
    markOutputDir(out, 'results'); // the shards' dive reproduce --out OUT accepts the folder
    const submit = path.join(dir, 'submit.sh');
    if (args.json) {
      io.json({ dir, files: Object.keys(files).map((f) => path.join(dir, f)), shards: job.shards, runs: job.runs, tuning: job.tuning, submit: `bash ${submit}` });
    } else {
      io.out(`wrote ${dir}/{shards.sbatch,merge.sbatch,submit.sh}: ${job.shards} shards of ${job.runs} runs into ${out}${job.tuning ? ' (the plan tunes first: submit.sh queues the array twice, trials then test runs)' : ''}`);
      io.out(`next:   bash ${submit}`);
      io.out(`watch:  squeue --me; logs in ${path.join(out, 'logs')}/; tables in ${path.join(out, 'tables')}/ after the merge`);
      io.out(`redo shards (finished runs are kept; array index = shard − 1): bash ${submit} --array=3   # shard 4, then a new merge`);
    }
    return 0;
  },
};

export const jobsKubernetesCommand: Command = {
  words: ['jobs', 'kubernetes'],
  summary: 'write a Kubernetes Indexed Job (one pod per shard), its merge Job and a results volume claim',
  args: '-- [reproduce options]',
  help:
    'Writes DIR/pvc.yaml (a ReadWriteMany claim for the results), DIR/shards.yaml (an Indexed Job, completions = N, ' +
    "pod i runs 'dive reproduce … --shard auto/N' as shard i+1), DIR/merge.yaml (the follow-up Job running 'dive merge') " +
    'and, for a plan that tunes first, DIR/tune.yaml (the same Indexed Job, applied before the shards), ' +
    `each validated against the ${SCHEMA_SOURCE} schema and the API server's Job rules. The image must run 'dive' (see docs/cluster.md).`,
  options: [
    ...common,
    { name: 'image', type: 'string', value: 'IMAGE', description: 'container image with divelab installed (required)' },
    { name: 'dir', type: 'string', value: 'DIR', default: 'kubernetes', description: 'where to write the manifests' },
    { name: 'out', type: 'string', value: 'PATH', description: 'results folder inside the pods [default: MOUNT/NAME]' },
    { name: 'mount-path', type: 'string', value: 'PATH', default: '/results', description: 'where the results volume is mounted' },
    { name: 'pvc', type: 'string', value: 'NAME', description: 'PersistentVolumeClaim of the results [default: NAME-results]' },
    { name: 'storage', type: 'string', value: 'SIZE', default: '10Gi', description: 'size of the claim' },
    { name: 'storage-class', type: 'string', value: 'CLASS', description: 'storageClassName of the claim (one that offers ReadWriteMany)' },
    { name: 'parallelism', type: 'integer', value: 'P', description: 'pods at once [default: N]' },
    { name: 'cpu', type: 'string', value: 'Q', default: '1', description: 'CPU request per pod' },
    { name: 'memory', type: 'string', value: 'Q', default: '4Gi', description: 'memory request and limit per pod' },
    { name: 'retries', type: 'integer', value: 'R', default: 2, description: 'retries of one failed shard (backoffLimitPerIndex)' },
    { name: 'namespace', type: 'string', value: 'NS', description: 'namespace of the objects' },
    { name: 'dive', type: 'string', value: 'CMD', default: 'dive', description: "how the image runs dive, e.g. 'node /app/bin/dive.js'" },
    { name: 'env', type: 'list', value: 'NAME=VALUE,…', description: 'environment variables of the pods (e.g. DIVE_DATA_DIR=/results/data)' },
  ],
  async run(args, io) {
    const job = planOf(args);
    const name = checkJobName(optString(args, 'name') ?? 'dive-reproduce', 14);
    const image = optString(args, 'image');
    if (!image) throw new UserError('--image is required: the container image with divelab installed (see docs/cluster.md for a Dockerfile)');
    const mountPath = optString(args, 'mount-path') ?? '/results';
    const m = kubernetesManifests(job, {
      name,
      image,
      dive: optString(args, 'dive') ?? 'dive',
      out: optString(args, 'out') ?? `${mountPath.replace(/\/$/, '')}/${name}`,
      mountPath,
      pvc: optString(args, 'pvc') ?? `${name}-results`,
      storage: optString(args, 'storage') ?? '10Gi',
      storageClass: optString(args, 'storage-class'),
      parallelism: optNumber(args, 'parallelism') ?? job.shards,
      cpu: optString(args, 'cpu') ?? '1',
      memory: optString(args, 'memory') ?? '4Gi',
      retries: optNumber(args, 'retries') ?? 2,
      namespace: optString(args, 'namespace'),
      env: optList(args, 'env'),
      backend: optString(args, 'backend'),
    });
    const dir = path.resolve(optString(args, 'dir') ?? 'kubernetes');
    checkOutputDir(dir, { option: '--dir', writes: 'Kubernetes manifests (replacing the folder)', ownEntries: ['shards.yaml'] });
    const head = (what: string): string => `# Written by 'dive jobs kubernetes': ${what.replace(/\n/g, ' ')}\n`;
    await writeFiles(dir, {
      'pvc.yaml': head('the shared results volume (skip it if you have a ReadWriteMany claim; pass --pvc NAME)') + stringify(m.pvc),
      ...(m.tune ? { 'tune.yaml': head('pass 1 of a plan that tunes first: the tuning trials (apply before shards.yaml)') + stringify(m.tune) } : {}),
      'shards.yaml': head(`${job.shards} shards of 'dive reproduce ${job.args.join(' ')}' (${job.runs} runs)`) + stringify(m.shards),
      'merge.yaml': head("tables and figures from every shard's runs; apply after the shards Job is Complete") + stringify(m.merge),
    });
    const ns = optString(args, 'namespace') ? ` -n ${optString(args, 'namespace')}` : '';
    const shardsJob = `${name}-shards`;
    const names = ['pvc.yaml', ...(m.tune ? ['tune.yaml'] : []), 'shards.yaml', 'merge.yaml'];
    if (args.json) {
      io.json({ dir, files: names.map((f) => path.join(dir, f)), shards: job.shards, runs: job.runs, tuning: job.tuning, schema: SCHEMA_SOURCE });
    } else {
      io.out(`wrote ${dir}/{${names.join(',')}}: ${job.shards} shards of ${job.runs} runs${job.tuning ? ' after a tuning pass' : ''} (validated: ${SCHEMA_SOURCE})`);
      if (m.tune) {
        io.out(`next:   kubectl apply${ns} -f ${dir}/pvc.yaml -f ${dir}/tune.yaml`);
        io.out(`then:   kubectl wait${ns} --for=condition=complete --timeout=24h job/${name}-tune && kubectl apply${ns} -f ${dir}/shards.yaml`);
      } else {
        io.out(`next:   kubectl apply${ns} -f ${dir}/pvc.yaml -f ${dir}/shards.yaml`);
      }
      io.out(`then:   kubectl wait${ns} --for=condition=complete --timeout=24h job/${shardsJob} && kubectl apply${ns} -f ${dir}/merge.yaml`);
      io.out(`a failed shard is retried alone (backoffLimitPerIndex) and resumes; watch: kubectl get pods${ns} -l app.kubernetes.io/instance=${name}`);
    }
    return 0;
  },
};

export const jobsValidateCommand: Command = {
  words: ['jobs', 'validate'],
  summary: 'check Kubernetes Job / PersistentVolumeClaim manifests offline (upstream schema + API-server Job rules)',
  args: 'FILE…',
  help: 'Each YAML document is checked; every error is printed as FILE: KIND NAME: PATH: MESSAGE. Exit 0 when all are valid, 1 otherwise. Unknown field names are not detected offline (use kubectl apply --dry-run=server).',
  options: [],
  minArgs: 1,
  async run(args, io) {
    const results: { file: string; document: number; kind: string; name: string; errors: string[] }[] = [];
    for (const file of args.positionals) {
      if (!fs.existsSync(file)) throw new UserError(`manifest ${file} not found; pass the YAML files 'dive jobs kubernetes' wrote`);
      const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
      const list = Array.isArray(docs) ? docs : [docs];
      list.forEach((doc, i) => {
        if (doc.errors.length) throw new UserError(`${file} document ${i + 1} is not valid YAML (${doc.errors[0].message.split('\n')[0]}); fix or regenerate it`);
        const value: unknown = doc.toJSON();
        const obj = (typeof value === 'object' && value !== null ? value : {}) as { kind?: unknown; metadata?: { name?: unknown } };
        results.push({ file, document: i + 1, kind: String(obj.kind ?? '?'), name: String(obj.metadata?.name ?? '?'), errors: validateManifest(value) });
      });
    }
    const bad = results.filter((r) => r.errors.length > 0);
    if (args.json) {
      io.json({ schema: SCHEMA_SOURCE, valid: bad.length === 0, documents: results });
    } else {
      for (const r of results) {
        if (r.errors.length === 0) io.out(`${r.file}: ${r.kind} ${r.name}: valid`);
        for (const e of r.errors) io.out(`${r.file}: ${r.kind} ${r.name}: ${e}`);
      }
      io.out(`${results.length - bad.length} of ${results.length} document(s) valid (${SCHEMA_SOURCE})`);
    }
    return bad.length === 0 ? 0 : 1;
  },
};
