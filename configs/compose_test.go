package configs

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestComposeExample checks examples/docker-compose.yml: at least two
// repoguard replicas, each on the PostgreSQL URL and with a data volume
// of its own (nothing shared but the database), PostgreSQL, and a load
// balancer whose upstream names every replica.
func TestComposeExample(t *testing.T) {
	b, err := os.ReadFile("examples/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
		Configs map[string]struct {
			Content string `yaml:"content"`
		} `yaml:"configs"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	volumes := map[string]string{}
	var replicas []string
	for name, s := range doc.Services {
		if !strings.HasPrefix(name, "repoguard") {
			continue
		}
		replicas = append(replicas, name)
		if !strings.HasPrefix(s.Environment["REPOGUARD_DATABASE_URL"], "postgres://") {
			t.Errorf("%s: REPOGUARD_DATABASE_URL = %q, want a postgres:// URL", name, s.Environment["REPOGUARD_DATABASE_URL"])
		}
		if len(s.Volumes) != 1 {
			t.Errorf("%s: volumes %v, want its own cache", name, s.Volumes)
			continue
		}
		vol, _, _ := strings.Cut(s.Volumes[0], ":")
		if other, ok := volumes[vol]; ok {
			t.Errorf("%s and %s share volume %s", name, other, vol)
		}
		volumes[vol] = name
	}
	if len(replicas) < 2 {
		t.Fatalf("replicas %v, want at least two", replicas)
	}
	if !strings.HasPrefix(doc.Services["db"].Image, "postgres:") {
		t.Errorf("db image %q, want postgres", doc.Services["db"].Image)
	}
	conf := doc.Configs["nginx.conf"].Content
	for _, r := range replicas {
		if !strings.Contains(conf, "server "+r+":8080") {
			t.Errorf("the load balancer does not reach %s:\n%s", r, conf)
		}
	}
}
