// Package sensitivepath is the sensitive-path detector: it reports each
// sensitive category (contracts, keys, deploy, ci, build, dependencies,
// access, or one the policy defines) that the change touches, with the files
// in it; the App turns this into a review requirement.
//
// Its cases are testdata/*.txtar (see package detectortest).
package sensitivepath
