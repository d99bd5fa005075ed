// Package featureprobe is the feature-probe detector: it reports a build
// file change that breaks a compile or link probe of a sandbox or
// hardening feature, so that the feature is silently off in every build.
//
// A probe is a CMake check (check_c_source_compiles, check_symbol_exists,
// check_c_compiler_flag, try_compile, ...), an autoconf test
// (AC_COMPILE_IFELSE, AC_LINK_IFELSE, AC_CHECK_FUNCS, AX_CHECK_COMPILE_FLAG,
// ...) or a meson compiler method (cc.compiles, cc.links,
// cc.has_function, ...). Its feature is named by the tokens it probes
// (Landlock, seccomp, Capsicum, pledge/unveil, the stack protector, CET,
// _FORTIFY_SOURCE, RELRO, PIE, ...). The diff gives the changed lines,
// not the whole file, so the detector judges what it shows:
//
//   - a probe the change adds or rewrites: its C test program is lexed for
//     what cannot compile (a stray character such as the lone "." of the
//     xz-utils 2024 Landlock check, unbalanced braces, a return that does
//     not fit its function), and its identifiers, headers and flags are
//     compared with the feature's vocabulary for misspellings
//     (landlock_restrict_slef, linux/landlok.h);
//   - a changed line: a feature's name damaged in place (noexecstack
//     become noexcstack), a known identifier turned into an unknown one;
//   - an #include of a feature's header removed while the program stays.
//
// High when the feature is a sandbox, medium for other hardening. A probe
// rewritten so that it still compiles (reformatted, commented, an include
// added) is not reported.
//
// Its cases are testdata/*.txtar (see package detectortest).
package featureprobe
