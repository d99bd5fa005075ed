package configs

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

func defaultClassifier(t testing.TB) *Classifier {
	t.Helper()
	c, err := NewClassifier(DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDefaultCategoriesMatch lists typical paths of each category and
// ordinary paths that must stay out of all of them.
func TestDefaultCategoriesMatch(t *testing.T) {
	c := defaultClassifier(t)
	tests := []struct {
		path string
		want string // space-separated categories, "" for none
	}{
		// contracts
		{"contracts/Vault.sol", "contracts"},
		{"src/token/ERC20.vy", "contracts"},
		{"sources/coin.move", "contracts"},
		{"Move.toml", "contracts dependencies"},
		{"src/account.cairo", "contracts"},
		{"programs/escrow/src/lib.rs", "contracts"},
		{"solana/programs/escrow/src/instructions/withdraw.rs", "contracts"},
		{"Anchor.toml", "contracts"},
		{"contracts/cw20/src/contract.rs", "contracts"},
		{"test/Vault.t.sol", ""},
		{"script/Deploy.s.sol", "contracts deploy"},
		// keys
		{"src/signer/ledger.go", "keys"},
		{"wallet/keystore.go", "keys"},
		{"accounts/keystore/passphrase.go", "keys"},
		{"pkg/kms/client.go", "keys"},
		{"internal/hsm/pkcs11.go", "keys"},
		{"crypto/mnemonic.ts", "keys"},
		{"src/bip39/wordlist.txt", "keys"},
		{"services/remote-signer/main.go", "keys"},
		{"src/tx/ledger_signer.go", "keys"},
		{"app/src/LedgerSigner.ts", "keys"},
		{"app/hooks/useWallet.ts", "keys"},
		{"src/hot_wallet.rs", "keys"},
		{"keys/deployer.json", "keys deploy"},
		{"certs/server.pem", "keys"},
		{"config/tls.key", "keys"},
		{".ssh/id_ed25519.pub", "keys"},
		{"keystore/UTC--2024-01-01T00-00-00.0Z--abcd", "keys"},
		{"lib/aws_kms.py", "keys"},
		{"src/main/java/KMSClient.java", "keys"},
		{"docs/keys/rotation.md", ""},
		{"src/components/Designer.tsx", ""},
		{"src/designer/canvas.ts", ""},
		{"src/utils/keyboard.ts", ""},
		{"docs/monkeys.md", ""},
		{"src/query-keys.ts", ""},
		// deploy
		{"deploy/prod.sh", "deploy"},
		{"scripts/deploy/mainnet.sh", "deploy"},
		{"scripts/deploy-staging.sh", "deploy"},
		{"scripts/pre-deploy.sh", "deploy"},
		{"tasks/01_deploy_token.ts", "deploy"},
		{"github/repos_deployments.go", ""},
		{"infra/main.tf", "deploy"},
		{"modules/vpc/variables.tf", "deploy"},
		{"env/prod.tfvars", "deploy"},
		{"Dockerfile", "deploy"},
		{"docker/Dockerfile.worker", "deploy"},
		{"docker-compose.yml", "deploy"},
		{"k8s/deployment.yaml", "deploy"},
		{"kubernetes/base/service.yaml", "deploy"},
		{"charts/api/templates/deployment.yaml", "deploy"},
		{"charts/api/Chart.yaml", "deploy"},
		{"ansible/site.yml", "deploy"},
		{"roles/web/tasks/main.yml", "deploy"},
		{"Pulumi.prod.yaml", "deploy"},
		{"terragrunt.hcl", "deploy"},
		// ci
		{".github/workflows/ci.yml", "ci"},
		{".github/actions/setup/action.yml", "ci"},
		{".gitlab-ci.yml", "ci"},
		{".circleci/config.yml", "ci"},
		{"Jenkinsfile", "ci"},
		{"azure-pipelines.yml", "ci"},
		{".buildkite/pipeline.yml", "ci"},
		{".pre-commit-config.yaml", "ci"},
		// build
		{"m4/ax_foo.m4", "build"},
		{"configure.ac", "build"},
		{"configure", "build"},
		{"Makefile", "build"},
		{"src/Makefile.am", "build"},
		{"build/common.mk", "build"},
		{"CMakeLists.txt", "build"},
		{"cmake/FindSodium.cmake", "build"},
		{"build.rs", "build"},
		{"setup.py", "build"},
		{"meson.build", "build"},
		{"BUILD.bazel", "build"},
		{"tools/defs.bzl", "build"},
		{"app/build.gradle.kts", "build"},
		{"gradle/wrapper/gradle-wrapper.jar", "build"},
		{"pom.xml", "build dependencies"},
		{"webpack.config.js", "build"},
		{".gitattributes", "build"},
		// dependencies
		{"package.json", "dependencies"},
		{"web/package-lock.json", "dependencies"},
		{"yarn.lock", "dependencies"},
		{"pnpm-lock.yaml", "dependencies"},
		{".npmrc", "dependencies"},
		{"go.mod", "dependencies"},
		{"go.sum", "dependencies"},
		{"vendor/github.com/x/y/z.go", "dependencies"},
		{"Cargo.toml", "dependencies"},
		{"Cargo.lock", "dependencies"},
		{"requirements.txt", "dependencies"},
		{"requirements-dev.txt", "dependencies"},
		{"Pipfile.lock", "dependencies"},
		{"poetry.lock", "dependencies"},
		{"pyproject.toml", "dependencies"},
		{"foundry.toml", "dependencies"},
		{"remappings.txt", "dependencies"},
		{"hardhat.config.ts", "dependencies"},
		{".gitmodules", "dependencies"},
		{".github/dependabot.yml", "dependencies"},
		// access
		{"CODEOWNERS", "access"},
		{".github/CODEOWNERS", "access"},
		{"docs/CODEOWNERS", "access"},
		{".github/repoguard.yml", "access"},
		{".github/settings.yml", "access"},
		{"pkg/api/OWNERS", "access"},
		// ordinary
		{"src/main.go", ""},
		{"README.md", ""},
		{"cmd/server/main.go", ""},
		{"internal/api/handler_test.go", ""},
		{"web/src/App.tsx", ""},
		{"docs/architecture.md", ""},
		{"src/CODEOWNERS.go", ""},
		{".github/ISSUE_TEMPLATE/bug.md", ""},
		{"src/config.yaml", ""},
		{"assets/logo.png", ""},
		{"test/fixtures/data.json", ""},
		{"src/deployer_test.go", "deploy"},
	}
	for _, tt := range tests {
		got := strings.Join(c.Categories(tt.path), " ")
		if got != tt.want {
			t.Errorf("Categories(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestIgnoredAndAssets(t *testing.T) {
	c := defaultClassifier(t)
	tests := []struct {
		path           string
		ignored, asset bool
	}{
		{"web/dist/app.js.map", true, false},
		{"src/__snapshots__/App.test.tsx.snap", true, false},
		{"testdata/out.golden", true, false},
		{"keys/__snapshots__/k.snap", false, false}, // sensitive wins over ignore
		{"src/main.go", false, false},
		{"assets/logo.png", false, true},
		{"docs/img/diagram.svg", false, true},
		{"web/public/favicon.ico", false, true},
		{"fonts/Inter.woff2", false, true},
		{"Screenshot.PNG", false, true},
		{"bin/tool", false, false},
		{"tests/files/bad-3-corrupt_lzma2.xz", false, false},
	}
	for _, tt := range tests {
		if got := c.Ignored(tt.path); got != tt.ignored {
			t.Errorf("Ignored(%q) = %v, want %v", tt.path, got, tt.ignored)
		}
		if got := c.Asset(tt.path); got != tt.asset {
			t.Errorf("Asset(%q) = %v, want %v", tt.path, got, tt.asset)
		}
	}
}

func TestClassifierNormalizesAndCopies(t *testing.T) {
	c := defaultClassifier(t)
	for _, p := range []string{"./contracts/Vault.sol", "/contracts/Vault.sol"} {
		if got := c.Categories(p); !slices.Equal(got, []string{"contracts"}) {
			t.Errorf("Categories(%q) = %v", p, got)
		}
	}
	got := c.Categories("contracts/Vault.sol")
	got[0] = "mutated"
	_ = append(got, "appended")
	if again := c.Categories("contracts/Vault.sol"); !slices.Equal(again, []string{"contracts"}) {
		t.Errorf("cached result was mutated: %v", again)
	}
}

func TestNewClassifierErrors(t *testing.T) {
	if _, err := NewClassifier(nil); err == nil {
		t.Error("NewClassifier(nil) succeeded")
	}
	p := DefaultPolicy()
	p.Categories[0].Paths = append(p.Categories[0].Paths, "[")
	p.Ignore = append(p.Ignore, "**.x")
	_, err := NewClassifier(p)
	if err == nil || !strings.Contains(err.Error(), `"[" in paths of category "contracts"`) || !strings.Contains(err.Error(), `"**.x" in ignore`) {
		t.Errorf("NewClassifier(bad) = %v", err)
	}
}

func TestClassifierConcurrent(t *testing.T) {
	c := defaultClassifier(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				p := fmt.Sprintf("src/pkg%d/wallet.go", i%300)
				if !slices.Equal(c.Categories(p), []string{"keys"}) {
					t.Errorf("Categories(%q) wrong", p)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// matchPaths is a corpus of paths for comparing compiled matching with
// doublestar.
var matchPaths = []string{
	"a", "a/b", "a/b/c", ".", "x.sol", ".sol", "a/.sol", "a/b.sol/c", "keys", "keys/x", "x/keys",
	"x/keys/y", "monkeys/x", "wallet", "wallet.go", "src/wallet/x", "src/walletconnect.ts",
	"x/hot_wallet/y", "Dockerfile", "a/Dockerfile.dev", ".github/workflows/ci.yml",
	".github/workflowsx", "m4/ax.m4", "programs/p/src/lib.rs", "a/programs/p/src/x/y.rs",
	"a//b", "a/b/", "", "UTC--1", "x/id_rsa.pub", "Move.toml", "a/b/Move.toml", "designer.ts",
	"x/Signer.ts", "x/my-signer/y", "x/my-signer", "charts", "charts/", "docs/keys.md",
	"Makefile.in", "a.tf.json", "z.s.sol", "go.work.sum", "renovate.json5", "mvnw", "mvnw.cmd",
}

// TestMatchSetAgreesWithDoublestar checks every default pattern, and a few
// unusual ones, against doublestar.Match on their brace expansions.
func TestMatchSetAgreesWithDoublestar(t *testing.T) {
	p := DefaultPolicy()
	patterns := slices.Concat(p.Assets, p.Ignore, []string{"**", "*", "**/*", "**/**", "a/**", "**/a",
		"a/*/c", "{a,b}/**", "**/{,x}keys{,/**}", "[a-z]/b", "**/[!.]*", `\**`, "a/{b,{c,d}}/**", "?"})
	for _, c := range p.Categories {
		patterns = append(patterns, c.Paths...)
		patterns = append(patterns, c.Exclude...)
	}
	for _, pat := range patterns {
		s := newMatchSet([]string{pat})
		exp, _ := expandBraces(pat)
		for _, path := range matchPaths {
			want := false
			for _, e := range exp {
				want = want || doublestar.MatchUnvalidated(e, path)
			}
			if got := s.match(path); got != want {
				t.Errorf("pattern %q, path %q: compiled %v, doublestar %v", pat, path, got, want)
			}
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	c := defaultClassifier(b)
	paths := make([]string, 4096)
	for i := range paths {
		paths[i] = fmt.Sprintf("services/svc%d/internal/pkg%d/file_%d.go", i%37, i%101, i)
	}
	b.Run("uncached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c.compute(paths[i%len(paths)])
		}
	})
	b.Run("cached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c.Categories(paths[i%len(paths)])
		}
	})
}
