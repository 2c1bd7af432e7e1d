/**
 * Classification scores of predicted against true class ids: accuracy and macro-F1.
 *
 * macro-F1 = (1/C) Σ_c F1_c, F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c), over the classes c that
 * occur in the truth or the predictions (sklearn's `f1_score(average='macro')` over the union of
 * labels); a class with TP = FP = FN = 0 does not occur and is not averaged. F1_c = 0 when a class
 * is present but never predicted correctly.
 */
import { UserError } from '../util/errors';
import { assertLabels, assertLength, type LabelArray } from './arrays';

export interface ClassificationScores {
  readonly accuracy: number;
  readonly macroF1: number;
  /** F1 per class id 0..C−1 (NaN for ids that occur nowhere). */
  readonly f1: number[];
  readonly n: number;
}

export function classificationScores(truth: LabelArray, predicted: LabelArray): ClassificationScores {
  if (truth.length === 0) throw new UserError('classification scores need at least one prediction');
  assertLength(predicted, truth.length, 'predictions');
  const C = Math.max(assertLabels(truth, 'true classes'), assertLabels(predicted, 'predicted classes'));
  const tp = new Float64Array(C), fp = new Float64Array(C), fn = new Float64Array(C);
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i], p = predicted[i];
    if (t === p) {
      correct++;
      tp[t]++;
    } else {
      fp[p]++;
      fn[t]++;
    }
  }
  const f1: number[] = [];
  let sum = 0, used = 0;
  for (let c = 0; c < C; c++) {
    const denom = 2 * tp[c] + fp[c] + fn[c];
    if (denom === 0) {
      f1.push(NaN);
      continue;
    }
    const v = (2 * tp[c]) / denom;
    f1.push(v);
    sum += v;
    used++;
  }
  return { accuracy: correct / truth.length, macroF1: sum / used, f1, n: truth.length };
}
