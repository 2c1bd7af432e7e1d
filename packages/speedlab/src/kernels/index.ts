/** Faster replacements for tfjs wasm kernels, registered at backend level (see register.ts). */
export {
  registerFastWasmKernels,
  restoreWasmKernels,
  fastWasmKernelsActive,
  fastKernelsWanted,
  activeFastKernels,
  defaultFastKernels,
  productPath,
  type ProductPath,
  type FastKernelKind,
  applyFastKernelPolicy,
  REPLACED_KERNELS,
} from './register';
export { SPLIT_MIN_WORK } from './matMul';
