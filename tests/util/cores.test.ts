/**
 * The "one of several processes" declaration (lib/util/cores.ts) reaches every copy of the
 * module: `dive reproduce` declares it through its copy and the speed lab reads it through its
 * own, and with two copies loaded (a checkout using another checkout's node_modules) a module
 * variable was unseen, so OpenBLAS ran on every core and evaluation metrics moved in the 9th digit.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const KEY = Symbol.for('divelab.cores.oneOfSeveral');

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[KEY];
});

describe('declareOneOfSeveralProcesses', () => {
  it('is seen by a second, separately loaded copy of the module', async () => {
    vi.resetModules();
    const first = await import('../../lib/util/cores.js');
    vi.resetModules();
    const second = await import('../../lib/util/cores.js');
    expect(second).not.toBe(first);
    expect(second.oneOfSeveralProcesses()).toBe(false);
    first.declareOneOfSeveralProcesses();
    expect(first.oneOfSeveralProcesses()).toBe(true);
    expect(second.oneOfSeveralProcesses()).toBe(true);
  });
});
