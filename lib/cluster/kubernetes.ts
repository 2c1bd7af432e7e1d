/**
 * Kubernetes manifests for a sharded reproduction (docs/cluster.md), and their validation.
 *
 *   pvc.yaml     a ReadWriteMany PersistentVolumeClaim for the shared results folder
 *   shards.yaml  an Indexed Job: `completions` = N shards, pod i runs
 *                `dive reproduce … --shard auto/N` (JOB_COMPLETION_INDEX = i → shard i+1),
 *                `backoffLimitPerIndex` retries a failed shard alone (it resumes its runs)
 *   merge.yaml   the follow-up Job: `dive merge OUT --out OUT`, applied once the shards Job
 *                is Complete (`kubectl wait --for=condition=complete`)
 *   tune.yaml    only when the plan tunes first: the same Indexed Job as NAME-tune, applied
 *                before shards.yaml (it finishes the tuning trials the test runs depend on)
 *
 * Validation (`validateManifest`) has two layers:
 *  1. the upstream schema: kubernetes-models 4.5.1, whose validators are compiled from the
 *     Kubernetes v1.33.0 OpenAPI definitions (io.k8s.api.batch.v1.Job, io.k8s.api.core.v1.
 *     PersistentVolumeClaim) — types, enums (completionMode, restartPolicy …), required fields;
 *  2. rules the API server enforces that the OpenAPI schema does not express (Kubernetes'
 *     pkg/apis/batch/validation and pkg/apis/core/validation): a container image, a Job pod's
 *     restartPolicy Never/OnFailure, an Indexed Job's completions, DNS-1123 names, volume
 *     mounts naming declared volumes, backoffLimitPerIndex only with Indexed completion.
 * Not checked offline: unknown field names (the OpenAPI schema allows extra fields; a server-side
 * `kubectl apply --dry-run=server` rejects them).
 */
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { UserError } from '../util/errors';
import { jobNeedsGpu, type ReproduceJob } from './reproduceJob';

/** The schema's source, as printed by `dive jobs validate`. */
export const SCHEMA_SOURCE = 'Kubernetes v1.33.0 OpenAPI (kubernetes-models 4.5.1)';

export interface KubernetesOptions {
  /** Base name: NAME-shards, NAME-merge, NAME-results (PVC). */
  readonly name: string;
  /** Container image with divelab installed and `dive` runnable. */
  readonly image: string;
  /** The command that runs dive in the image (split on spaces), default "dive". */
  readonly dive: string;
  /** Results folder inside the pods (on the mounted volume), default /results/NAME. */
  readonly out: string;
  /** Where the volume is mounted, default /results. */
  readonly mountPath: string;
  /** PersistentVolumeClaim name, default NAME-results. */
  readonly pvc: string;
  /** PVC size (Kubernetes quantity), default 10Gi. */
  readonly storage: string;
  readonly storageClass?: string;
  /** Pods at once; default N. */
  readonly parallelism: number;
  /** Per shard pod: CPU and memory requests (memory also the limit). */
  readonly cpu: string;
  readonly memory: string;
  /** Retries of one failed shard (backoffLimitPerIndex). */
  readonly retries: number;
  readonly namespace?: string;
  /** Extra environment variables, NAME=VALUE. */
  readonly env: readonly string[];
  /** The shards' tfjs backend (DIVE_BACKEND); 'webgpu' gives each shard pod one GPU (`nvidia.com/gpu: 1`). */
  readonly backend?: string;
}

/** The extended resource of one NVIDIA GPU (the NVIDIA device plugin's name). */
export const GPU_RESOURCE = 'nvidia.com/gpu';

export interface KubernetesManifests {
  readonly pvc: Record<string, unknown>;
  /**
   * Only for a plan with the tuning stage (ReproduceJob.tuning): the same Indexed Job under
   * NAME-tune, applied first; it finishes the trials, `shards` then runs the test runs.
   */
  readonly tune?: Record<string, unknown>;
  readonly shards: Record<string, unknown>;
  readonly merge: Record<string, unknown>;
}

function envVars(list: readonly string[]): { name: string; value: string }[] {
  return list.map((kv) => {
    const eq = kv.indexOf('=');
    const name = eq > 0 ? kv.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new UserError(`--env '${kv}' must be NAME=VALUE with a variable name such as DIVE_DATA_DIR`);
    return { name, value: kv.slice(eq + 1) };
  });
}

function metadata(o: KubernetesOptions, name: string, component: string): Record<string, unknown> {
  return {
    name,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    labels: { 'app.kubernetes.io/name': 'divelab', 'app.kubernetes.io/instance': o.name, 'app.kubernetes.io/component': component },
  };
}

function podSpec(o: KubernetesOptions, component: string, command: string[], resources: Record<string, unknown>, backendEnv = false): Record<string, unknown> {
  const env = [...envVars(o.env), ...(backendEnv && o.backend && !o.env.some((kv) => kv.startsWith('DIVE_BACKEND=')) ? [{ name: 'DIVE_BACKEND', value: o.backend }] : [])];
  return {
    metadata: { labels: { 'app.kubernetes.io/name': 'divelab', 'app.kubernetes.io/instance': o.name, 'app.kubernetes.io/component': component } },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: component,
          image: o.image,
          command,
          ...(env.length ? { env } : {}),
          resources,
          volumeMounts: [{ name: 'results', mountPath: o.mountPath }],
        },
      ],
      volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.pvc } }],
    },
  };
}

/** The three manifests (see module doc); validated, so a bad option fails here, not in kubectl. */
export function kubernetesManifests(job: ReproduceJob, o: KubernetesOptions): KubernetesManifests {
  if (!o.image.trim()) throw new UserError('--image is required: the container image with divelab installed (see docs/cluster.md for a Dockerfile)');
  if (!o.out.startsWith(`${o.mountPath.replace(/\/$/, '')}/`)) throw new UserError(`--out '${o.out}' must lie on the results volume, under --mount-path '${o.mountPath}'`);
  if (!Number.isInteger(o.parallelism) || o.parallelism < 1) throw new UserError(`--parallelism must be a whole number ≥ 1, got ${o.parallelism}`);
  if (!Number.isInteger(o.retries) || o.retries < 0) throw new UserError(`--retries must be a whole number ≥ 0, got ${o.retries}`);
  const dive = o.dive.split(/\s+/).filter(Boolean);
  if (dive.length === 0) throw new UserError("--dive must name the command that runs dive in the image, e.g. 'dive' or 'node /app/bin/dive.js'");
  const n = job.shards;
  const resources = { requests: { cpu: o.cpu, memory: o.memory }, limits: { memory: o.memory } };
  // A shard on webgpu gets one GPU (an extended resource: in limits, whole, requests = limits).
  const shardResources = jobNeedsGpu(o.backend) ? { requests: { ...resources.requests, [GPU_RESOURCE]: 1 }, limits: { ...resources.limits, [GPU_RESOURCE]: 1 } } : resources;
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(o, o.pvc, 'results'),
    spec: {
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: o.storage } },
      ...(o.storageClass ? { storageClassName: o.storageClass } : {}),
    },
  };
  const indexedJob = (suffix: string, component: string): Record<string, unknown> & { kind: string; metadata: { name: string } } => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(o, `${o.name}-${suffix}`, component) as { name: string },
    spec: {
      completions: n,
      parallelism: Math.min(o.parallelism, n),
      completionMode: 'Indexed',
      backoffLimitPerIndex: o.retries,
      template: podSpec(o, component, [...dive, 'reproduce', ...job.args, '--out', o.out, '--shard', `auto/${n}`], shardResources, true),
    },
  });
  const shards = indexedJob('shards', 'shard');
  const tune = job.tuning ? indexedJob('tune', 'tune') : undefined;
  const merge = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(o, `${o.name}-merge`, 'merge'),
    spec: {
      completions: 1,
      backoffLimit: o.retries,
      template: podSpec(o, 'merge', [...dive, 'merge', o.out, '--out', o.out, ...(job.htmlOnly ? ['--html-only'] : [])], resources),
    },
  };
  for (const m of [pvc, ...(tune ? [tune] : []), shards, merge]) {
    const errors = validateManifest(m);
    if (errors.length) throw new UserError(`the ${m.kind} ${m.metadata.name} would not validate (${errors[0]}); check the options it came from`);
  }
  return { pvc, ...(tune ? { tune } : {}), shards, merge };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Upstream-schema errors of one model, as "path: message". */
function schemaErrors(validate: () => void): string[] {
  try {
    validate();
    return [];
  } catch (err) {
    const list = (err as { errors?: { instancePath?: string; message?: string; params?: Obj }[] }).errors;
    if (!Array.isArray(list)) return [(err as Error).message.split('\n')[0]];
    return list.map((e) => {
      const values = e.params?.allowedValues;
      const allowed = Array.isArray(values) ? ` (${values.join(', ')})` : '';
      return `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${allowed}`;
    });
  }
}

/**
 * The API server's rules for extended resources such as nvidia.com/gpu (names with a domain
 * outside kubernetes.io; pkg/apis/core/validation): a whole-number quantity, present in limits,
 * and requests equal to limits where both are given (they cannot be overcommitted).
 */
function extendedResourceErrors(at: string, resources: unknown): string[] {
  if (!isObj(resources)) return [];
  const req = isObj(resources.requests) ? resources.requests : {};
  const lim = isObj(resources.limits) ? resources.limits : {};
  const extended = (k: string): boolean => k.includes('/') && !/(^|\.)kubernetes\.io\//.test(k);
  const errs: string[] = [];
  for (const [where, list] of [['requests', req], ['limits', lim]] as const) {
    for (const [k, v] of Object.entries(list)) {
      if (extended(k) && !/^\d+$/.test(String(v))) errs.push(`${at}/resources/${where}/${k}: an extended resource must be a whole number, got ${JSON.stringify(v)}`);
    }
  }
  for (const k of Object.keys(req).filter(extended)) {
    if (!(k in lim)) errs.push(`${at}/resources/limits/${k}: an extended resource requested must also be in limits`);
    else if (String(lim[k]) !== String(req[k])) errs.push(`${at}/resources/requests/${k}: must equal limits for an extended resource (${JSON.stringify(req[k])} ≠ ${JSON.stringify(lim[k])})`);
  }
  return errs;
}

/** API-server rules for a Job that the OpenAPI schema leaves out (see module doc). */
function jobServerErrors(m: Obj): string[] {
  const errs: string[] = [];
  const meta = isObj(m.metadata) ? m.metadata : {};
  const name = meta.name;
  if (typeof name !== 'string' || !name) errs.push('/metadata/name: required');
  else if (!DNS_SUBDOMAIN.test(name) || name.length > 63) errs.push(`/metadata/name: '${name}' must be a DNS-1123 label of at most 63 characters (it becomes the pods' job-name label)`);
  const spec = isObj(m.spec) ? m.spec : {};
  const indexed = spec.completionMode === 'Indexed';
  if (indexed) {
    if (typeof spec.completions !== 'number') errs.push('/spec/completions: required when completionMode is Indexed');
    else if (spec.completions > 100000) errs.push('/spec/completions: at most 100000 for an Indexed Job');
  }
  if (spec.backoffLimitPerIndex !== undefined && !indexed) errs.push('/spec/backoffLimitPerIndex: only allowed with completionMode Indexed');
  if (typeof spec.parallelism === 'number' && typeof spec.completions === 'number' && indexed && spec.parallelism > 100000) errs.push('/spec/parallelism: at most 100000 for an Indexed Job');
  const template = isObj(spec.template) ? spec.template : {};
  const pod = isObj(template.spec) ? template.spec : {};
  if (pod.restartPolicy !== 'Never' && pod.restartPolicy !== 'OnFailure') errs.push(`/spec/template/spec/restartPolicy: a Job's pods need Never or OnFailure, got ${JSON.stringify(pod.restartPolicy ?? null)}`);
  const volumes = new Set((Array.isArray(pod.volumes) ? pod.volumes : []).map((v) => (isObj(v) ? v.name : undefined)));
  const containers = Array.isArray(pod.containers) ? pod.containers : [];
  if (containers.length === 0) errs.push('/spec/template/spec/containers: at least one container');
  containers.forEach((c, i) => {
    const at = `/spec/template/spec/containers/${i}`;
    if (!isObj(c)) return;
    if (typeof c.image !== 'string' || !c.image.trim()) errs.push(`${at}/image: required (the API server rejects a container without an image)`);
    if (typeof c.name !== 'string' || !DNS_LABEL.test(c.name)) errs.push(`${at}/name: must be a DNS-1123 label, got ${JSON.stringify(c.name ?? null)}`);
    errs.push(...extendedResourceErrors(at, c.resources));
    (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).forEach((vm, j) => {
      if (isObj(vm) && !volumes.has(vm.name)) errs.push(`${at}/volumeMounts/${j}/name: no volume named ${JSON.stringify(vm.name ?? null)} in spec.template.spec.volumes`);
    });
  });
  return errs;
}

/**
 * Errors of one manifest (empty when valid): the upstream schema first, then the API server's
 * extra rules. Only the kinds `dive jobs kubernetes` writes are known (Job, PersistentVolumeClaim).
 */
export function validateManifest(m: unknown): string[] {
  if (!isObj(m)) return ['/: a manifest must be a YAML mapping'];
  if (m.apiVersion === 'batch/v1' && m.kind === 'Job') {
    return [...schemaErrors(() => new Job(m as unknown as ConstructorParameters<typeof Job>[0]).validate()), ...jobServerErrors(m)];
  }
  if (m.apiVersion === 'v1' && m.kind === 'PersistentVolumeClaim') {
    const errs = schemaErrors(() => new PersistentVolumeClaim(m as unknown as ConstructorParameters<typeof PersistentVolumeClaim>[0]).validate());
    const name = isObj(m.metadata) ? m.metadata.name : undefined;
    if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name)) errs.push(`/metadata/name: a DNS-1123 subdomain is required, got ${JSON.stringify(name ?? null)}`);
    return errs;
  }
  return [`/: unknown kind ${JSON.stringify(m.apiVersion ?? null)}/${JSON.stringify(m.kind ?? null)} (this validator knows batch/v1 Job and v1 PersistentVolumeClaim)`];
}
