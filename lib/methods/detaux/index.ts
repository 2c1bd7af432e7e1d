/**
 * Detaux (arXiv 2310.09278) on windows: config, the three stages and the whole pipeline
 * (docs/design.md §Detaux). `runDetaux(DEFAULT_DETAUX)` runs everything; `dive train --model
 * detaux --data synthetic` is the same from the command line.
 */
export { DEFAULT_DETAUX, QUICK_DETAUX, DetauxSchema, detauxConfig, type DetauxConfig, type Stage1Config, type Stage2Config, type Stage3Config } from './config';
export { DetauxAutoencoder, type ProductCodes } from './autoencoder';
export { reconstructionLoss, orthogonalityLoss, selection, selectionDelta, distanceLoss, balanceLoss, consistencyLoss, schedule, stage1Losses, detach, type Stage1Terms } from './losses';
export { alignments, normalisedAlignments, subspaceRms, eligibleSubspaces, leastAlignedSubspace, subspaceCodes, concatenatedCodes, firstComponentCodes } from './subspace';
export { kmeans, silhouette, kmeansBySilhouette, hdbscanLabels, type KMeansResult, type ChosenClustering } from './cluster';
export { MultiTaskNet, trainArm, crossEntropy, ARMS, type ArmName, type ArmResult, type TaskData } from './multitask';
export { runDetaux, trainStage1, clusterSubspace, saveDetaux, DETAUX_FORMAT, type DetauxReport, type DetauxArtifacts, type DetauxRunOptions, type Stage1Epoch, type MeanStd } from './pipeline';
export { describeDetaux } from './describe';
