package inboxtest

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// concurrentWorkers has several goroutines claim and complete jobs of a
// few repositories at once, and checks that no two jobs of a repository
// ever run together and that each repository's jobs run in order.
func concurrentWorkers(e *env) {
	const repos, perRepo, workers = 6, 8, 8
	for n := range perRepo {
		for r := range repos {
			e.add(int64(r+1), fmt.Sprintf("r%d-%d", r+1, n))
		}
	}
	var (
		mu      sync.Mutex
		running = map[int64]string{} // repo id -> delivery running
		next    = map[int64]int{}    // repo id -> next expected index
		done    int
		fails   []string
		wg      sync.WaitGroup
	)
	deadline := time.Now().Add(30 * time.Second)
	for w := range workers {
		worker := fmt.Sprintf("w%d", w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				j, err := e.in.Claim(e.ctx, worker, lease)
				if err != nil {
					mu.Lock()
					fails = append(fails, fmt.Sprintf("Claim(%s): %v", worker, err))
					mu.Unlock()
					return
				}
				mu.Lock()
				if j == nil {
					finished := done == repos*perRepo
					mu.Unlock()
					if finished {
						return
					}
					runtime.Gosched()
					continue
				}
				repo := j.Delivery.RepoID
				if other, ok := running[repo]; ok {
					fails = append(fails, fmt.Sprintf("%s claimed %s while %s of the same repository runs", worker, j.Delivery.ID, other))
				}
				if want := fmt.Sprintf("r%d-%d", repo, next[repo]); j.Delivery.ID != want {
					fails = append(fails, fmt.Sprintf("%s claimed %s, want %s next", worker, j.Delivery.ID, want))
				}
				running[repo] = j.Delivery.ID
				next[repo]++
				mu.Unlock()

				runtime.Gosched() // "work"

				mu.Lock()
				delete(running, repo)
				mu.Unlock()
				if err := e.in.Complete(e.ctx, j.ID, worker); err != nil {
					mu.Lock()
					fails = append(fails, fmt.Sprintf("Complete(%s): %v", j.Delivery.ID, err))
					mu.Unlock()
					return
				}
				mu.Lock()
				done++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, f := range fails {
		e.t.Error(f)
	}
	if done != repos*perRepo {
		e.t.Fatalf("%d of %d jobs completed", done, repos*perRepo)
	}
	e.depth(0, 0, 0)
}
