package sqlite_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/repoguard/repoguard/guard/sqlite/pgtest"
)

// pgRuns holds the names of the tests running on PostgreSQL: newDB
// opens a schema of the test server for them and their subtests.
var pgRuns sync.Map

// onPostgres reports whether t runs under TestPostgres.
func onPostgres(t testing.TB) bool {
	found := false
	pgRuns.Range(func(k, _ any) bool {
		name := k.(string)
		found = t.Name() == name || strings.HasPrefix(t.Name(), name+"/")
		return !found
	})
	return found
}

// storeTests are the tests of the store that exercise its SQL, run again
// on PostgreSQL by TestPostgres. Left out are those of SQLite's own:
// files, WAL, locks, query plans and reclaimed pages; and
// InboxMatchesMemInbox, which wants job ids without gaps where
// PostgreSQL's sequences leave some (ids are opaque and still rise).
var storeTests = []struct {
	name string
	run  func(*testing.T)
}{
	{"RecordFindingsMergesDuplicates", TestRecordFindingsMergesDuplicates},
	{"ReopenedPullRequestReusesAnomalies", TestReopenedPullRequestReusesAnomalies},
	{"AnomalyNotFound", TestAnomalyNotFound},
	{"AuthorAnomaliesAndExport", TestAuthorAnomaliesAndExport},
	{"RecordFindingsKeepsHunk", TestRecordFindingsKeepsHunk},
	{"ReleaseDoesNotCarryOverToOtherContent", TestReleaseDoesNotCarryOverToOtherContent},
	{"AnomaliesFiltersPagesAndCounts", TestAnomaliesFiltersPagesAndCounts},
	{"AppState", TestAppState},
	{"AuditHeadAndOnAudit", TestAuditHeadAndOnAudit},
	{"AuditChain", TestAuditChain},
	{"VerifyAuditDetectsTampering", TestVerifyAuditDetectsTampering},
	{"VerifyAuditKeyed", TestVerifyAuditKeyed},
	{"AppendAuditConcurrently", TestAppendAuditConcurrently},
	{"SessionsExpire", TestSessionsExpire},
	{"Tokens", TestTokens},
	{"SecretsAreNotStored", TestSecretsAreNotStored},
	{"TriageCase", TestTriageCase},
	{"TriageCaseAssignAndComment", TestTriageCaseAssignAndComment},
	{"CasesMigration", TestCasesMigration},
	{"RecordFindingsGroupsCases", TestRecordFindingsGroupsCases},
	{"CaseRiskBounds", TestCaseRiskBounds},
	{"CasesFilterAndSort", TestCasesFilterAndSort},
	{"ResolveIdentity", TestResolveIdentity},
	{"LinkLoginMergesEmailIdentity", TestLinkLoginMergesEmailIdentity},
	{"LinkInLearnerServesMergedBaseline", TestLinkInLearnerServesMergedBaseline},
	{"InboxSurvivesRestart", TestInboxSurvivesRestart},
	{"InboxConcurrentEnqueue", TestInboxConcurrentEnqueue},
	{"InboxTimesRoundToTheSecond", TestInboxTimesRoundToTheSecond},
	{"ProfileRoundtrip", TestProfileRoundtrip},
	{"BatchCommitAndCursor", TestBatchCommitAndCursor},
	{"AdvancedCursors", TestAdvancedCursors},
	{"CrashResumeMatchesUninterrupted", TestCrashResumeMatchesUninterrupted},
	{"JudgeThenLearnBaseline", TestJudgeThenLearnBaseline},
	{"Pushes", TestPushes},
	{"SuppressionsKeepFindingsOutOfTheQueue", TestSuppressionsKeepFindingsOutOfTheQueue},
	{"ExpiredOrRemovedSuppressionNoLongerApplies", TestExpiredOrRemovedSuppressionNoLongerApplies},
	{"AddSuppressionValidates", TestAddSuppressionValidates},
	{"TriageTransitions", TestTriageTransitions},
	{"TriageOwnEmail", TestTriageOwnEmail},
	{"TriageBlockingReleaseNeedsSecondTriager", TestTriageBlockingReleaseNeedsSecondTriager},
	{"TriageWithdrawRelease", TestTriageWithdrawRelease},
	{"SuppressionTwoPerson", TestSuppressionTwoPerson},
	{"InboxConformance", TestInboxConformance}, // the suite of webhooks/inboxtest, unchanged
}

// TestPostgres runs the store's tests on PostgreSQL (pgtest: skipped
// without REPOGUARD_TEST_DATABASE_URL), each on a schema of its own.
func TestPostgres(t *testing.T) {
	pgtest.URL(t) // skips or fails here, once, when there is no server
	for _, st := range storeTests {
		t.Run(st.name, func(t *testing.T) {
			pgRuns.Store(t.Name(), true)
			defer pgRuns.Delete(t.Name())
			st.run(t)
		})
	}
}
