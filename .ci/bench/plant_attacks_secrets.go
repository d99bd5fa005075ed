package main

import (
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"sort"
	"strings"
)

var (
	envFileRE   = regexp.MustCompile(`(^|/)\.env(\.[\w-]+)?$|(^|/)[\w-]+\.env$`)
	envSampleRE = regexp.MustCompile(`(?i)sample|example|template|dist|test`)
	deployDirRE = regexp.MustCompile(`(?i)(^|/)(deploy|deployment|deployments|infra|infrastructure|terraform|k8s|kubernetes|helm|charts|ansible|docker|ops)$|^scripts?/deploy$`)
	configDirRE = regexp.MustCompile(`(?i)^(config|configs|conf|ci|\.github|\.circleci|script|scripts)$`)
)

// deployArea returns the directories where deploy or configuration files
// live: deploy directories first, else top-level config, CI and script
// directories.
func (b *buildCtx) deployArea() []string {
	var deploy, config []string
	code := map[string]int{}
	for _, e := range b.snap.files {
		if langOf(e.Path) == b.lang {
			code[path.Dir(e.Path)]++
		}
	}
	for d, n := range b.snap.dirs() {
		// Deploy folders sit near the top and hold no library code
		// (discovery/kubernetes is code that talks to Kubernetes).
		if manifestSkipRE.MatchString(d+"/") || strings.Count(d, "/") > 1 || code[d]*2 > n {
			continue
		}
		switch {
		case deployDirRE.MatchString(d):
			deploy = append(deploy, d)
		case configDirRE.MatchString(d):
			config = append(config, d)
		}
	}
	sort.Strings(deploy)
	sort.Strings(config)
	if len(deploy) > 0 {
		return deploy
	}
	return config
}

func buildKeyInDeploy(b *buildCtx) (*attack, error) {
	crypto := len(b.snap.sourceFiles("solidity")) > 0 || len(b.keyFiles(b.lang)) > 0
	envs := []string{"staging", "prod", "release"}
	if crypto {
		envs = append(envs, "mainnet", "sepolia")
	}
	env := pick(b.rng, envs)
	var dotenvs []string
	for _, e := range b.snap.match(envFileRE) {
		if !envSampleRE.MatchString(path.Base(e.Path)) {
			dotenvs = append(dotenvs, e.Path)
		}
	}
	text := fmt.Sprintf(pick(b.rng, []string{"add %s deploy configuration", "update %s deploy settings", "set up %s release credentials for CI"}), env)
	if len(dotenvs) > 0 && crypto && b.rng.IntN(3) > 0 {
		p := dotenvs[b.rng.IntN(len(dotenvs))]
		c, err := b.edit(p, func(s string) (string, error) {
			return appendText(s, envKeyLines(b.rng, env)), nil
		})
		if err == nil {
			return &attack{changes: []change{c}, typ: "chore", scope: "deploy", text: text,
				desc: "Ethereum private key (hex) added to " + p}, nil
		}
	}
	dirs := b.deployArea()
	if len(dirs) == 0 {
		return nil, skipf("no deploy, config or CI directory")
	}
	dir := dirs[b.rng.IntN(len(dirs))]
	if len(b.snap.sourceFiles("solidity")) > 0 && b.rng.IntN(2) == 0 {
		p, err := b.freeName(dir, func(*rand.Rand) string { return ".env." + env })
		if err != nil {
			return nil, skipf("%v", err)
		}
		data := envKeyLines(b.rng, env) + fmt.Sprintf("RPC_URL=https://%s.infura.io/v3/%s\n", env, randomHex(b.rng, 16))
		return &attack{changes: []change{b.add(p, "100644", []byte(data))}, typ: "chore", scope: "deploy", text: text,
			desc: "Ethereum private key (hex) in new " + p}, nil
	}
	kf, err := makeKeyFile(b.rng, env, crypto)
	if err != nil {
		return nil, err
	}
	p, err := b.freeName(dir, func(*rand.Rand) string { return kf.name })
	if err != nil {
		return nil, skipf("%v", err)
	}
	return &attack{changes: []change{b.add(p, "100644", []byte(kf.data))}, typ: "chore", scope: "deploy", text: text,
		desc: kf.what + " committed as " + p}, nil
}
