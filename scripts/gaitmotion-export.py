#!/usr/bin/env python3
"""Export GaitMotion's pickles to the CSV files divelab reads (lib/data/gaitmotion.ts).

Usage: python3 scripts/gaitmotion-export.py IN OUT
  IN   the GaitMotion folder (UBC Dataverse, doi:10.5683/SP3/V6C59O) holding Normal/, Shuffle/
       (Parkinson's) and Stroke/, one pickle per trial and foot: P<subject>_<trial>..._<L|R>.pkl
  OUT  where to write <Group>/<same stem>.csv; then: dive data describe gaitmotion --file OUT

Each pickle holds (x, y, seg_index): x a NumPy array, one row per sample at 1000 Hz, columns 0-2
accelerometer, 3-5 gyroscope (deg/s), x[:,-2] the ground-truth step mask (0/1), x[:,-1] a ZUPT
output (not exported); y a pandas DataFrame with column Stride_length (cm); seg_index MATLAB
(1-based) stride boundaries (unused: see stride_per_sample). Each CSV has the header
  acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,step,stride_length_cm
and one row per sample; stride_length_cm is the length of the stride the sample belongs to,
empty outside any stride. Needs python3, numpy and pandas (pandas to unpickle y).
"""
import os
import pickle
import sys

import numpy as np
import pandas  # noqa: F401  (y is a pandas DataFrame: unpickling it needs pandas)

HEADER = "acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,step,stride_length_cm"


def stride_per_sample(x, y):
    """Per-sample stride length (cm), NaN outside any stride.

    ALIGNMENT, as the authors' LoadData.py (github.com/Zhang-Wenwen/GaitMotion) cuts strides --
    our reading of their code, not a published spec; check it against a real copy: ignoring the
    first 200 samples (as they do), stride i runs from the i-th rising edge of the step mask
    x[:,-2] to its (i+1)-th falling edge, and its length is Stride_length[1:][i] (they skip the
    first row of y). Consecutive strides overlap by one step; a sample in two strides takes the
    later one. The pickled seg_index (MATLAB stride boundaries) is not used, as in their loader.
    """
    skip = 200
    lengths = np.asarray(y["Stride_length"], dtype=float)[1:]
    mask = (np.asarray(x[:, -2]) > 0.5).astype(np.int8)
    d = np.diff(mask[skip:])
    rises = np.flatnonzero(d == 1) + 1 + skip   # first sample of each step
    falls = np.flatnonzero(d == -1) + 1 + skip  # first sample after each step
    out = np.full(len(x), np.nan)
    for i in range(min(len(rises), len(lengths))):
        later = falls[falls > rises[i]]
        if len(later) < 2:
            break  # the stride's second step does not end inside the recording
        out[rises[i]:later[1]] = lengths[i]
    return out


def export(pkl, csv):
    with open(pkl, "rb") as f:
        x, y, _seg_index = pickle.load(f)
    x = np.asarray(x, dtype=float)
    stride = stride_per_sample(x, y)
    # '%.9g' keeps every float32 exactly (divelab reads float32); an empty cell for NaN.
    cells = [",".join("%.9g" % v for v in row) for row in np.column_stack([x[:, 0:6], x[:, -2]])]
    lines = [c + "," + ("" if np.isnan(s) else "%.9g" % s) for c, s in zip(cells, stride)]
    tmp = os.path.join(os.path.dirname(csv), "." + os.path.basename(csv) + ".tmp")
    with open(tmp, "w", newline="\n") as f:  # write under a temporary name, then rename
        f.write(HEADER + "\n" + "\n".join(lines) + "\n")
    os.replace(tmp, csv)
    return len(lines), int(np.sum(~np.isnan(stride)))


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: python3 scripts/gaitmotion-export.py IN OUT")
    src, dst = argv[1], argv[2]
    count = 0
    for group in sorted(os.listdir(src)):  # Normal, Shuffle (Parkinson's), Stroke
        if not os.path.isdir(os.path.join(src, group)):
            continue
        for name in sorted(os.listdir(os.path.join(src, group))):
            if not (name.startswith("P") and name.endswith(".pkl")):
                continue
            os.makedirs(os.path.join(dst, group), exist_ok=True)
            csv = os.path.join(dst, group, name[:-4] + ".csv")
            rows, labelled = export(os.path.join(src, group, name), csv)
            print("%s: %d rows, %d inside a stride" % (csv, rows, labelled))
            count += 1
    if count == 0:
        sys.exit("no %s/<Group>/P*.pkl files found; pass the GaitMotion folder as IN" % src)
    print("%d files written to %s" % (count, dst))


if __name__ == "__main__":
    main(sys.argv)
