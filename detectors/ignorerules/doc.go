// Package ignorerules is the ignore-rules detector: it reports a rule
// added to an ignore or attributes file that hides build or deploy inputs
// from the people who check them.
//
//   - .gitignore: a file the rule matches never shows in git status, so a
//     release tarball can carry a version that the repository never shows
//     (xz-utils 2024: m4/build-to-host.m4 was in the tarball only, and an
//     m4/.gitignore listed it);
//   - .gitattributes export-ignore: git archive and the release tarballs
//     GitHub makes leave the file out; -diff, binary and
//     linguist-generated hide its changes from review;
//   - .dockerignore: the file stays out of the Docker build context;
//   - .npmignore: an install script's sources stay out of the package.
//
// What a rule hides is judged from its pattern: a representative path is
// built from it (wildcards filled in) and classified by name and by the
// policy's build, deploy, CI and dependencies categories. High for m4
// macros, configure scripts and install scripts, and when the change also
// stops tracking a file the rule matches; medium for other build, deploy,
// CI and dependency files. Generated build files that ignore files
// ordinarily list (Makefile.in, configure, aclocal.m4, libtool's macros,
// CMakeCache.txt, ...), lock files, credentials and dependency folders
// are not reported, nor are ignore files in vendored or test folders.
//
// Its cases are testdata/*.txtar (see package detectortest).
package ignorerules
