package main

import (
	"fmt"
)

// Git side of the end-to-end tests: the branches and pull requests they
// make in the world of apptest.

// branch starts branch from main and commits files on it as author.
func (e *e2e) branch(branch, author string, files map[string]string) {
	e.t.Helper()
	e.Git("checkout", "-q", "-b", branch, "main")
	e.Commit(author, "Change on "+branch, files)
}

// contractsPR opens pull request number by alice changing a contract.
func (e *e2e) contractsPR(number int) (head, base string) {
	e.t.Helper()
	b := fmt.Sprintf("feature-%d", number)
	e.branch(b, "alice", map[string]string{fmt.Sprintf("contracts/Token%d.sol", number): "contract Token {}\n"})
	return e.OpenPR(number, "alice", b)
}
