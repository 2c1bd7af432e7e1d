/** The data layer's public API: loaders, windows, splits, scalers, labels, preparation, fetch. */
export type * from './types';
export { prepareData, prepareDataset, type PrepareOptions, type Prepared } from './prepare';
export { DATASETS, DATASET_NAMES, BUILT_IN_DATASETS, datasetCards, datasetNames, findDataset, registerDataset, datasetInfo, loadDataset, resolveDataPath, type DatasetName, type DatasetInfo, type DatasetCard, type LoadOptions } from './registry';
export { loadEtt } from './ett';
export { loadCsv, inferCsv, isCsvDataset, robustExtremes, csvWindowDefaults, csvSeasonSeconds, parseDelimiter, type CsvOptions, type CsvInference, type CsvTable, type CsvDataset, type CsvDelimiter } from './csv';
export { csvCard, CSV_SPLIT, type CsvCardSpec } from './cards/csv';
export { parseDateAs, dateFormatsOf, type DateFormat } from './dates';
export { loadLstnet, type LstnetOptions } from './lstnet';
export { loadGaitndd, isGaitDataset, GAIT_GROUPS, type GaitDataset, type GaitSubject } from './gaitndd';
export { loadGaitMotion, isGaitMotionDataset, GAITMOTION_TYPES, type GaitMotionDataset, type GaitMotionTrial } from './gaitmotion';
export { generateSynthetic, isSyntheticDataset, REGIMES, SYNTHETIC_FACTORS, DEFAULT_SYNTHETIC, type SyntheticConfig, type SyntheticDataset } from './synthetic';
export { SegmentWindowSet, enumerateWindows, windowSpan, checkWindowSpec, type WindowRange, type WindowPositions } from './windows';
export { planSplit, assignSegments, LSTNET_SPLIT, ETT_SPLIT, BY_SEGMENT_SPLIT, type SplitProtocol, type SplitPlan, type SplitName } from './splits';
export { fitScaler, AffineScaler, type ScalerKind } from './scalers';
export { labelWindows, classFrequencies, fitQuantileEdges, binOf, type LabelOptions } from './labels';
export { fetchDataset, type FetchReport } from './fetch';
export { dataAvailable, prepareOrSynthetic, type DataOrFallback } from './fallback';
export { decode212, encode212, parseWfdbHeader, readWfdbRecord } from './wfdb';
/** The shared disentanglement benchmark: factor grid, i.i.d. and OOD splits, pairs (docs/design.md §Detaux). */
export * as benchmark from './benchmark';
export { PROTOCOLS, PROTOCOL_NAMES, TSLIB_PROTOCOL, forecastProtocol, protocolWindow, type ForecastProtocol, type ProtocolName } from './protocols';
