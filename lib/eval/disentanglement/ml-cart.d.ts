// The part of ml-cart 2.1.1 (no bundled types) that dciTree.ts uses.
declare module 'ml-cart' {
  export interface CartNode {
    splitColumn?: number;
    splitValue?: number;
    left?: CartNode;
    right?: CartNode;
  }
  export class DecisionTreeClassifier {
    constructor(options?: { gainFunction?: 'gini'; maxDepth?: number; minNumSamples?: number; gainThreshold?: number });
    root: CartNode;
    train(X: number[][], y: number[]): void;
    predict(X: number[][]): number[];
  }
}
