// Package newcomersigning is the newcomer-signing detector, a rule: an
// author new to every repository changes key or signing code (the keys
// category) at a night hour where they are, when the repository is quiet
// then or from a time zone it never used (3 a.m. in a new time zone).
// Each signal alone is common in an open project
// (newcomers change signing code, people commit at night, contributors
// live everywhere) and is calibrated as such by new-author-sensitive,
// unusual-time and timezone-change; the newcomer who touches signing
// code at such a time is the pattern of a false-identity hire or a
// taken-over new account, and is medium whatever the budget.
//
// Its cases are testdata/*.txtar (see package detectortest).
package newcomersigning
