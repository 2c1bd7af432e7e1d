/**
 * Evaluation metrics, one module per family:
 * - forecast: RRSE, CORR (LSTNet), MSE, MAE, in normalised and original units;
 * - mig: Mutual Information Gap with the full MI matrix;
 * - cluster: RBF membership accuracy (plain and Hungarian-matched) and NMI;
 * - stats: mean ± std over seeds, Student-t intervals;
 * - latent: PCA and exact t-SNE maps of latent codes for figures;
 * - totalCorrelation: TC of the aggregate posterior of diagonal-Gaussian encoders (MWS and Gaussian).
 * - disentanglement/: DCI, SAP, FactorVAE, MCC and the suite of all of them with MIG;
 * - bundled: all of them but totalCorrelation, the part the browser bundle ships (lib/browser.ts).
 */
export * from './bundled';
export * from './totalCorrelation';
