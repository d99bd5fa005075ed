// Package app is the GitHub App's behaviour: App.Handle is the job
// handler a webhooks.Pool calls for each stored delivery. It decodes the
// delivery and dispatches it by event, one file per event. The list of
// events and actions (events.go) is the one the webhook handler stores
// (Events) and the App manifest subscribes to:
//
//	pull_request         opened, synchronize, reopened, ready_for_review,
//	                     edited (base changed): full evaluation; closed:
//	                     the check of its head is decided again for the
//	                     other pull requests with that head, and a merge
//	                     commit is remembered
//	pull_request_review  submitted, edited, dismissed: decide again from
//	                     the saved state, without touching Git
//	push                 judge new commits on every branch, learn those
//	                     reaching the default branch, flag force pushes,
//	                     moved or deleted tags, deleted protected branches
//	                     and direct pushes to the default branch
//	installation,        backfill the profiles of added repositories in
//	installation_repositories  the background; stop them on removal
//	check_run, check_suite     rerequested: full evaluation again
//	merge_group          checks_requested: check the group's head
//
// Deliveries without an installation are skipped with a log line.
//
// # Full evaluation of a pull request
//
// The check run "repoguard" on the head is created (or the run of the
// same head reused) in progress. The base branch and refs/pull/N/head are
// fetched into the repository cache. The policy is read from the base
// branch's tip, never from the head: the repository's
// .github/repoguard.yml, else the organization's default (the same path
// in the organization's ".github" repository, default branch), else the
// built-in defaults. A policy that does not parse fails the check. Every
// commit of base..head is judged with its author's baseline as it is
// (pull requests never teach profiles), then the change set from the
// merge base to the head; a commit's finding that the change set repeats
// is dropped, one the change set lost (a key added, then removed) is
// kept. guard.Decide turns the categories touched, the findings and the
// reviews into the check's conclusion: success, action_required (with a
// details link to the App's page) or failure for an unresolved finding at
// or above the policy's block severity. The findings enter the anomaly
// queue (Store.RecordFindings, keyed by pull request): a security
// reviewer who resolves or dismisses a blocking finding's anomaly there,
// or a suppression that matches it, releases the check; a confirmed one
// keeps it failing. What deciding needs is saved as a PullState, so that
// a review is decided on in milliseconds.
//
// # One check run per commit
//
// A check run belongs to a commit, not to a pull request, so every pull
// request whose head is the same commit shows the same run. The run
// carries the strictest verdict (failure, then action_required, then
// success; the lowest number among equals) of the open pull requests with
// that head, as GitHub lists them (commits/{sha}/pulls) and as the store
// knows them; its summary says whose verdict it carries. A merge group's
// verdict is combined with those of the open pull requests with its head
// too (groups are not saved, so a pull request's decision cannot see a
// group's). Each pull request's own verdict is saved in its
// PullState; a new one (another conclusion, or the same on a new head)
// is appended to the audit log as "verdict.posted". One that GitHub lists but repoguard never decided is
// evaluated first. Every decision that writes the run (a full evaluation,
// a review, a merge group, a triage) combines the verdicts again; a
// pull request that leaves the head (closed, or pushed over before its
// event ran) has it decided again without it. When GitHub cannot list
// the pull requests of the commit, nothing is written and the job is
// retried: a weaker verdict never goes out.
//
// # Against the default branch
//
// GitHub lets a pull request merge once its head's run is green, before
// repoguard has handled its opened or reopened event. So a green run on a
// commit must mean that the commit may reach the default branch: a pull
// request whose base is neither the default branch (named by the event,
// else the remote's HEAD) nor a branch matching App.ProtectedBranches is
// also judged for what its head would bring to the default branch
// (AgainstDefault): the change set merge-base(default, head)..head,
// judged with the default branch's policy. Its categories' requirements
// (Requirement.Against) and its blocking findings are added to the pull
// request's own, its findings are recorded under the pull request, and
// the people of the commits of default..head (authors, committers,
// co-authors, pushers) may not approve. It is skipped when the default
// branch's merge base with the head is the base's, and both hold the same
// policy file. Stacked pull requests therefore need the approvals of
// everything they carry beyond the default branch.
//
// An approval counts when it comes from someone who is not the pull
// request's author, not an author or committer of any of its commits
// (GitHub's attribution, noreply addresses, and every login the identity
// store knows to use their emails), not named in a Co-authored-by trailer
// of any of them (its email matched to logins the same ways, both
// directions of the identity store), not a pusher of the pull request
// (the senders of its opened and synchronize events) nor of any of its
// commits to any branch (from push events, looked up at every decision),
// not a bot, and was given on the current head, after the last change of
// what it approves that kept the head: a switch of the base branch, a
// move of the merge base, a reopen on commits pushed while the pull
// request was closed (PullState.ApprovalsSince). A counted approval of a
// large sensitive change within RubberStampWindow of the last push is a
// rubber-stamp finding, shown and recorded.
//
// # Pushes
//
// A push's new commits are those of before..after, or for a new branch
// those not on the default branch; their findings enter the anomaly
// queue. Its sender and pusher are recorded as having pushed each of
// them, and each commit the payload lists, to the branch (Store.
// RecordPushes), before anything else can fail. On the default branch each is judged, then learned, from the
// learning cursor up to the pushed head, by the learning loop of the
// command line's scan and backfill (guard.LearnWalk, with its cursors),
// so that the App and the CLI resume each other's work; a repository never learned gets a background
// backfill instead. Merge commits are learned, as the CLI does, but never
// judged (their first-parent diff is other people's work). Commits are
// mapped through the repository's .mailmap first, as in the CLI. A push to the default branch came through a pull request
// when its head is the merge commit or head of a pull request the store
// saw, or when GitHub made it (committer web-flow or noreply@github.com)
// with a merge or squash subject naming a pull request ("Merge pull
// request #12 ...", "Title (#12)"). Anything else is a direct push. The
// heuristic misses a rebase merge whose push arrives before its closed
// event; it cannot tell a forged GitHub committer. Push findings are
// recorded in the store and logged; pushes get no check run (pull request
// branches get theirs from their pull request).
//
// # Merge queues
//
// A merge group is judged like a pull request from base_sha to head_sha
// with the base's policy, without reviews: each pull request needed its
// approvals to join the queue. An open pull request with the same head
// keeps a stricter verdict on the run. Its check fails only on blocking findings
// not released in the anomalies of the pull requests it holds (named by
// its queue branch and by its merge or squash subjects).
//
// # Errors
//
// Errors from GitHub, Git or the store are returned for the pool to
// retry; what retrying cannot cure (github.Permanent: GitHub refusing a
// request, 4xx; gitrepo.Permanent: a repository that does not exist) and
// bad payloads are wrapped with webhooks.Permanent. A check left in progress by a transient error
// blocks the merge until the retry completes it; a permanent error fails
// it. An evaluation still running at the job's deadline (the pool's) fails
// its check as "evaluation timed out" and is not retried (timeout.go).
//
// The App's dependencies are interfaces defined here and wired in cmd:
// GitHubClient (*github.Client), Repos (RepoCache, over gitrepo.Fetch), Store
// and Profiles (the SQLite store; the package's tests use MemStore and
// MemProfiles, in memory).
package app
