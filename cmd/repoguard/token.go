package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/repoguard/repoguard/guard"
)

const tokenUsage = `usage: repoguard token <command> [flags]

  create --name NAME [--role read|triage]   create an API token; its secret is printed once
  list                                     list the tokens not revoked
  revoke ID                                revoke a token

The commands work on the database (--db FILE, --data DIR); creating and
revoking are recorded in the audit log as --actor (default $USER).`

// runToken manages the API tokens of automation.
func runToken(e *env, args []string) int {
	return dispatch(e, "token", tokenUsage, args, []subcommand{
		{"create", runTokenCreate}, {"list", runTokenList}, {"revoke", runTokenRevoke},
	})
}

// runTokenCreate creates a token and prints its secret alone on stdout,
// so that a script can capture it; the notes go to stderr.
func runTokenCreate(e *env, args []string) int {
	var df dbFlags
	fs := newFlagSet(e, "token create", "token create --name NAME [--role read|triage] [flags]")
	df.register(fs)
	name := fs.String("name", "", "what the token is for (`NAME`, shown in the audit log as token:NAME)")
	role := fs.String("role", guard.RoleRead, "`ROLE`: read (list and show) or triage (also change anomalies)")
	actor := fs.String("actor", "", "record the creation as `NAME` (default $USER)")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	if strings.TrimSpace(*name) == "" {
		return fail(e, errors.New("token create needs --name"))
	}
	if *role != guard.RoleRead && *role != guard.RoleTriage {
		return fail(e, fmt.Errorf("unknown role %q (want read or triage)", *role))
	}
	by, err := resolveActor(*actor)
	if err != nil {
		return fail(e, err)
	}
	db, err := df.open(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	secret, id, err := db.CreateToken(e.ctx, *name, *role, by)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stderr, "created token %d (%s, role %s). Its secret follows; it will not be shown again:\n",
		id, safe(strings.TrimSpace(*name)), *role)
	fmt.Fprintln(e.stdout, secret)
	return exitOK
}

// runTokenList prints the tokens not revoked; never their secrets, which
// the database does not hold.
func runTokenList(e *env, args []string) int {
	var df dbFlags
	fs := newFlagSet(e, "token list", "token list [--format text|json] [flags]")
	df.register(fs)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	if *format != "text" && *format != "json" {
		return fail(e, fmt.Errorf("unknown format %q (want text or json)", *format))
	}
	db, err := df.open(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	ts, err := db.Tokens(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	if *format == "json" {
		return writeJSONOut(e, orNone(ts))
	}
	if len(ts) == 0 {
		fmt.Fprintln(e.stdout, "no API tokens")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED BY\tCREATED\tLAST USED")
	for _, t := range ts {
		used := "never"
		if !t.LastUsed.IsZero() {
			used = stamp(t.LastUsed)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, safe(t.Name), t.Role, safe(t.CreatedBy), stamp(t.CreatedAt), used)
	}
	tw.Flush()
	return exitOK
}

// runTokenRevoke revokes a token.
func runTokenRevoke(e *env, args []string) int {
	var df dbFlags
	fs := newFlagSet(e, "token revoke", "token revoke ID [flags]")
	df.register(fs)
	actor := fs.String("actor", "", "record the revocation as `NAME` (default $USER)")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "usage: repoguard token revoke ID")
		return exitError
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return fail(e, fmt.Errorf("bad token id %q: want a positive number ('repoguard token list' shows them)", pos[0]))
	}
	by, err := resolveActor(*actor)
	if err != nil {
		return fail(e, err)
	}
	db, err := df.open(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	if err := db.RevokeToken(e.ctx, id, by); err != nil {
		if errors.Is(err, guard.ErrNotFound) {
			return fail(e, fmt.Errorf("token %d not found, or revoked already", id))
		}
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "token %d revoked\n", id)
	return exitOK
}
