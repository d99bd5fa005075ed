// Package sabotage is the sabotage detector: it reports protestware and
// sabotage in added source code. Four shapes, medium in library code
// (exits low) and one step lower in tests, examples and vendored code:
//
//   - a loop that never ends (no break, return or exit, nothing it waits
//     for) and does nothing but count and print, or whose condition can
//     never become false (i < Infinity, i > 0 with i++): colors.js and
//     faker.js 2022; high when it runs as the code is loaded;
//   - a branch on the machine's time zone, locale or country (looked up
//     by its public IP) against a place: node-ipc and es5-ext 2022;
//   - writing or deleting outside the project: walking the home folder
//     (or the folders above the project) and overwriting what it finds,
//     deleting the home folder or the root, writing shell start-up
//     files, SSH keys or files under /etc;
//   - library code that ends the host process (os.Exit, process.exit,
//     std::process::exit, sys.exit, exit): low, since a program whose
//     main package spans many files exits from files a diff cannot tell
//     from a library's (library_exits_medium makes it medium); programs,
//     scripts and tests may exit. Panics and aborts count only
//     beside a geographic branch.
//
// A geographic branch in the same file as one of the other shapes is one
// high finding. An author who is new or back after a long silence is not
// read here: content findings must be the same on every scan, and the
// calibrated behaviour findings already raise such a commit.
//
// Its cases are testdata/*.txtar (see package detectortest).
package sabotage
