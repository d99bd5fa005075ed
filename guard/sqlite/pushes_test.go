package sqlite_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

func TestPushes(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	many := make([]string, 1000) // more than one lookup batch
	for i := range many {
		many[i] = fmt.Sprintf("%040x", i)
	}
	for _, p := range []struct {
		repo, branch string
		pushers      []string
		commits      []string
	}{
		{"acme/vault", "feature", []string{"Mallory"}, []string{"c1", "c2"}},
		{"acme/vault", "feature", []string{"alice", ""}, []string{"c2", "c3"}},
		{"acme/vault", "other", []string{"mallory"}, []string{"c1"}},   // same commit, another branch
		{"acme/vault", "feature", []string{"MALLORY"}, []string{"c1"}}, // again: kept once
		{"acme/other", "feature", []string{"eve"}, []string{"c1"}},
		{"acme/vault", "bulk", []string{"bob"}, many},
	} {
		if err := db.RecordPushes(ctx, p.repo, p.branch, p.pushers, p.commits); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.PushesOf(ctx, "acme/vault", []string{"c1", "c3", "c9"})
	if err != nil {
		t.Fatal(err)
	}
	want := []guard.Push{{Login: "mallory", Branch: "feature", Commit: "c1"}, {Login: "mallory", Branch: "other", Commit: "c1"},
		{Login: "alice", Branch: "feature", Commit: "c3"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PushesOf = %+v, want %+v", got, want)
	}
	if got, err := db.PushesOf(ctx, "acme/vault", append([]string{"c2"}, many...)); err != nil || len(got) != 1002 {
		t.Errorf("PushesOf of %d commits: %d pushes, %v; want 1002", len(many)+1, len(got), err)
	}
	if got, err := db.PushesOf(ctx, "acme/vault", nil); err != nil || len(got) != 0 {
		t.Errorf("PushesOf of nothing = %v %v", got, err)
	}
}
