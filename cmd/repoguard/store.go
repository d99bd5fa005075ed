package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// storeFlags select the database holding author baselines.
type storeFlags struct {
	data string
	db   string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "data `DIR` holding repoguard.db (default $REPOGUARD_DATA_DIR, else ~/.local/share/repoguard)")
	fs.StringVar(&f.db, "db", "", "database `FILE` (overrides --data; \":memory:\" keeps nothing)")
}

// overEnv returns getenv with the flags in place of REPOGUARD_DATA_DIR
// and REPOGUARD_DB where they are given, for `serve`, whose settings come
// from variables.
func (f *storeFlags) overEnv(getenv func(string) string) func(string) string {
	return func(name string) string {
		switch {
		case name == "REPOGUARD_DATA_DIR" && f.data != "":
			return f.data
		case name == "REPOGUARD_DB" && f.db != "":
			return f.db
		}
		return getenv(name)
	}
}

// path returns the database file the flags select, making its folder.
func (f *storeFlags) path() (string, error) {
	if f.db != "" {
		return f.db, nil
	}
	dir, err := f.dir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	return filepath.Join(dir, "repoguard.db"), nil
}

// dir returns the data directory the flags select: --data, else
// $REPOGUARD_DATA_DIR, else the default (configs.DefaultDataDir).
func (f *storeFlags) dir() (string, error) {
	dir := f.data
	if dir == "" {
		dir = os.Getenv("REPOGUARD_DATA_DIR")
	}
	if dir != "" {
		return dir, nil
	}
	return configs.DefaultDataDir(os.Getenv)
}

// existing returns the database file the flags select when it exists,
// "" when it does not (or is ":memory:"); it creates nothing.
func (f *storeFlags) existing() (string, error) {
	p := f.db
	if p == "" {
		dir, err := f.dir()
		if err != nil {
			return "", nil
		}
		p = filepath.Join(dir, "repoguard.db")
	}
	if p == ":memory:" {
		return "", nil
	}
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("database %s: %w", p, err)
	}
	return p, nil
}

// open opens the database the flags select.
func (f *storeFlags) open(ctx context.Context) (*sqlite.DB, error) {
	p, err := f.path()
	if err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, p)
}

// repoName names a local repository in the store: the owner/name of its
// origin remote when that is a GitHub-style URL (so that the CLI and the
// App share baselines), else the absolute path of its folder, unless the
// user chose a name.
func repoName(repo *gitrepo.Repo, override string) string {
	if override != "" {
		return override
	}
	if name := originName(filepath.Join(repo.GitDir(), "config")); name != "" {
		return name
	}
	dir := repo.GitDir()
	if filepath.Base(dir) == ".git" {
		dir = filepath.Dir(dir)
	}
	return dir
}

// originName reads the url of remote "origin" from a git config file and
// returns its last two path segments ("acme/vault"), or "".
func originName(configPath string) string { return ownerName(originURL(configPath)) }

// originURL reads the url of remote "origin" from a git config file, ""
// when there is none.
func originURL(configPath string) string {
	data, err := os.ReadFile(configPath)
	if err != nil {
		return ""
	}
	inOrigin := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inOrigin = strings.EqualFold(strings.Join(strings.Fields(line), " "), `[remote "origin"]`)
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !inOrigin || !ok || strings.TrimSpace(k) != "url" {
			continue
		}
		return strings.TrimSpace(v)
	}
	return ""
}

// ownerName extracts "owner/name" from https://host/owner/name(.git) or
// git@host:owner/name(.git).
func ownerName(u string) string {
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if at := strings.Index(u, "@"); at >= 0 && strings.Contains(u, ":") {
		u = strings.Replace(u[at+1:], ":", "/", 1)
	} else {
		return ""
	}
	parts := strings.Split(u, "/")
	if len(parts) < 3 || parts[len(parts)-2] == "" || parts[len(parts)-1] == "" {
		return ""
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}

// mailmapOf reads .mailmap at rev; a repository without one maps nothing.
func mailmapOf(ctx context.Context, repo *gitrepo.Repo, rev string) (*guard.Mailmap, error) {
	data, err := repo.ReadFile(ctx, rev, ".mailmap")
	if err != nil {
		if errors.Is(err, gitrepo.ErrFileNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("read .mailmap: %w", err)
	}
	m, err := guard.ParseMailmap(data)
	if err != nil {
		return nil, fmt.Errorf(".mailmap at %s: %w", rev, err)
	}
	return m, nil
}
