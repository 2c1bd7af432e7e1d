/**
 * Progress reporting for long runs: a bar with rate and ETA redrawn in place on a terminal,
 * one line every few seconds otherwise (CI logs), and a callback for notebook displays.
 */
export interface ProgressUpdate {
  label: string;
  done: number;
  total: number;
  elapsedSec: number;
  etaSec: number | undefined;
  /** Free-form status, e.g. "loss 0.123". */
  status: string;
}

export type ProgressSink = (u: ProgressUpdate) => void;

export function formatDuration(sec: number | undefined): string {
  if (sec === undefined || !Number.isFinite(sec)) return '--:--';
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}

export function formatBar(u: ProgressUpdate, width = 24): string {
  const frac = u.total > 0 ? Math.min(1, u.done / u.total) : 0;
  const full = Math.round(frac * width);
  const bar = `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
  return `${u.label} ${bar} ${u.done}/${u.total} ${(frac * 100).toFixed(0).padStart(3)}% ${formatDuration(u.elapsedSec)}<${formatDuration(u.etaSec)}${u.status ? ` ${u.status}` : ''}`;
}

/** A terminal sink writing to stderr. `interactive` redraws in place; otherwise throttled lines. */
export function terminalSink(interactive = Boolean(process.stderr.isTTY), everySec = 5): ProgressSink {
  let lastPrint = -Infinity;
  return (u) => {
    const finished = u.done >= u.total;
    if (interactive) {
      process.stderr.write(`\r\x1b[2K${formatBar(u)}${finished ? '\n' : ''}`);
    } else if (finished || u.elapsedSec - lastPrint >= everySec) {
      lastPrint = u.elapsedSec;
      process.stderr.write(`${formatBar(u)}\n`);
    }
  };
}

export class Progress {
  private readonly start = Date.now();
  private done = 0;
  constructor(
    readonly label: string,
    readonly total: number,
    private readonly sink: ProgressSink | undefined,
  ) {}
  /** Advance by `n` and report. */
  tick(n = 1, status = ''): void {
    this.done += n;
    this.report(status);
  }
  report(status = ''): void {
    if (!this.sink) return;
    const elapsedSec = (Date.now() - this.start) / 1000;
    const rate = this.done / Math.max(elapsedSec, 1e-9);
    const etaSec = this.done > 0 ? (this.total - this.done) / rate : undefined;
    this.sink({ label: this.label, done: this.done, total: this.total, elapsedSec, etaSec, status });
  }
}
