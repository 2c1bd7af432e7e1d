/** Every term of the DeepDIVE bound (docs/paper.md E1–E3) as its own typed function. */
export { forecastLoss, reconstructionLoss, meanSquaredError } from './likelihood';
export { klStandardNormal, klStandardNormalPerDim, naiveBayesMarginalKl } from './kl';
export { rbfCrossEntropy, sumRbfCrossEntropy } from './rbfCrossEntropy';
export { tcDecomposition, gaussianLogDensity, type TcTerms } from './totalCorrelation';
