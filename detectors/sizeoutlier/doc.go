// Package sizeoutlier is the size-outlier detector: it reports a commit
// changing far more lines than its author's own commits do (beyond a high
// quantile of their sizes times a factor, and an absolute minimum). Low;
// medium when it touches a sensitive category the author seldom changes,
// where a large diff hides a small change best.
//
// Its cases are testdata/*.txtar (see package detectortest).
package sizeoutlier
