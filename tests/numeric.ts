/** Shared numeric assertions for tests. */
import { expect } from 'vitest';

/** max |a − b| / max(1, max |b|): float32 error relative to the magnitude of the reference b. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 1;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}
