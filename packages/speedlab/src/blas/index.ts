/** The machine's BLAS (OpenBLAS through koffi) for the wasm backend's products. */
export { loadOpenBlas, resetOpenBlasCache, BLAS_MIN_WORK, BLAS_PARALLEL_MIN_WORK, type OpenBlas, type BlasOperand, type BlasLoad } from './openblas';
export { blasThreadsWanted, useOneBlasThreadPerProcess, type ThreadChoice, type ThreadContext } from './threads';
