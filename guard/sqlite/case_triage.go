package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// caseVerbs name the triage actions in the audit log's case entries
// ("case.acknowledged") and in errors.
var caseVerbs = map[string]string{"ack": "acknowledged", "confirm": "confirmed", "dismiss": "dismissed",
	"resolve": "resolved", "reopen": "reopened", "assign": "assigned", "comment": "commented"}

// TriageCase applies one triage action (see Triage) on behalf of actor
// to every anomaly of case id that it applies to (guard.Anomaly.Allows;
// for assign, those not assigned to the assignee already), among those
// in the queue (not suppressed; all of them when every one is), in one
// transaction. Each is bound as Triage binds it: the two-person rule
// refuses the whole action (guard.ErrForbidden) when actor took part in
// the change of one of them, and the release of an anomaly that fails
// its pull request's check is only asked for until a second triager
// takes the same action on it or on the case. The audit log gets each
// anomaly's entry, as Triage writes it, and one for the case
// ("case.<acknowledged|confirmed|dismissed|resolved|reopened|assigned|
// commented>", subject "case/<id>") naming them.
//
// It returns the case and the anomalies acted on, as they are then. An
// action that applies to none of them fails with guard.ErrInvalid, a
// missing case with guard.ErrNotFound.
func (db *DB) TriageCase(ctx context.Context, id int64, actor string, a guard.TriageAction) (*guard.Case, []guard.Anomaly, error) {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return nil, nil, invalidf("triage needs an actor")
	}
	verb, ok := caseVerbs[a.Kind]
	if !ok {
		return nil, nil, invalidf("unknown triage action %q (want ack, dismiss, confirm, resolve, reopen, assign or comment)", a.Kind)
	}
	var c *guard.Case
	var out []guard.Anomaly
	err := db.inTx(ctx, fmt.Sprintf("triage case %d", id), func(tx *sql.Tx) error {
		targets, err := caseTargets(ctx, tx, id, a)
		if err != nil {
			return err
		}
		var names, asked []string
		for i := range targets {
			t := &targets[i]
			action, detail, err := db.applyTriage(ctx, tx, t, actor, a)
			if err != nil {
				return fmt.Errorf("anomaly %d: %w", t.ID, err)
			}
			if _, err := db.appendAuditTx(ctx, tx, actor, action, anomalySubject(t.ID),
				detail+" (on "+caseSubject(id)+")"); err != nil {
				return err
			}
			names = append(names, anomalySubject(t.ID))
			if action == "anomaly.release_requested" {
				asked = append(asked, anomalySubject(t.ID))
			}
		}
		if _, err := db.appendAuditTx(ctx, tx, actor, "case."+verb, caseSubject(id),
			caseDetail(a, names, asked)); err != nil {
			return err
		}
		if err := refreshCase(ctx, tx, id); err != nil {
			return err
		}
		if c, err = caseByID(ctx, tx, id); err != nil {
			return err
		}
		for _, t := range targets {
			now, err := anomalyByID(ctx, tx, t.ID)
			if err != nil {
				return err
			}
			out = append(out, *now)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return c, out, nil
}

// caseTargets returns the anomalies of case id that action a applies to.
func caseTargets(ctx context.Context, tx *sql.Tx, id int64, a guard.TriageAction) ([]guard.Anomaly, error) {
	if _, err := caseByID(ctx, tx, id); err != nil {
		return nil, err
	}
	as, err := caseAnomalies(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	var out []guard.Anomaly
	for _, an := range guard.Queued(as) {
		if an.Allows(a.Kind) && (a.Kind != "assign" || an.Assignee != strings.TrimSpace(a.Assignee)) {
			out = append(out, an)
		}
	}
	if len(out) == 0 {
		return nil, invalidf("no finding of case %d can be %s now", id, caseVerbs[a.Kind])
	}
	return out, nil
}

// caseDetail describes a case-level action for the audit log: the
// action, its reason, assignee or comment, the anomalies it applied to,
// and those whose release now waits for a second triager.
func caseDetail(a guard.TriageAction, names, asked []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %d %s: %s", a.Kind, len(names), plural(len(names), "finding", "findings"),
		strings.Join(names, ", "))
	if len(asked) > 0 {
		fmt.Fprintf(&b, "; %s only asked for (a second triager must confirm): %s", a.Kind, strings.Join(asked, ", "))
	}
	for _, s := range []string{strings.TrimSpace(a.Reason), strings.TrimSpace(a.Assignee), strings.TrimSpace(a.Body)} {
		if s != "" {
			fmt.Fprintf(&b, ": %s", s)
		}
	}
	return b.String()
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
