/**
 * WebAssembly text → binary for the GEMM module, with wabt (a dev dependency: only the binary
 * generator, scripts/gen-gemm-binary.js, and the consistency test use it; the runtime loads
 * the committed binary.ts).
 */
import { gemmWat } from './wat';

export interface GemmBinaries {
  fma: Uint8Array;
  plain: Uint8Array;
}

/** Compile both variants of gemmWat(). */
export async function gemmBinaries(): Promise<GemmBinaries> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wabt = await (require('wabt') as () => Promise<WabtModule>)();
  const compile = (fma: boolean): Uint8Array => {
    const mod = wabt.parseWat(fma ? 'gemm-fma.wat' : 'gemm.wat', gemmWat({ fma }), { simd: true, relaxed_simd: true, bulk_memory: true });
    try {
      mod.validate();
      return Uint8Array.from(mod.toBinary({}).buffer);
    } finally {
      mod.destroy();
    }
  };
  return { fma: compile(true), plain: compile(false) };
}

interface WabtModule {
  parseWat(
    filename: string,
    text: string,
    features: Record<string, boolean>,
  ): { validate(): void; toBinary(o: object): { buffer: Uint8Array }; destroy(): void };
}
