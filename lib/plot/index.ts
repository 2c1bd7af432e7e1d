/**
 * Plotting for notebooks and pages: figure builders, offline HTML, and tslab display.
 * Static images (headless Chromium) are in `./static`, imported separately so notebooks do
 * not load playwright.
 */
export * from './figure';
export * from './html';
export * from './explorable';
export * from './notebook';
export * from './table';
