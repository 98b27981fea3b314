package api

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

// suite is run on every backend; each test gets a fresh database.
var suite = []struct {
	name string
	fn   func(t *testing.T, newConfig func(*testing.T) store.Config)
}{
	{"Auth", testAuth},
	{"TenantIsolation", testTenantIsolation},
	{"Keys", testKeys},
	{"Tenants", testTenants},
	{"ScriptsCRUD", testScriptsCRUD},
	{"ScriptCompileErrors", testScriptCompileErrors},
	{"ScriptValidation", testScriptValidation},
	{"ScriptsPagination", testScriptsPagination},
	{"Runs", testRuns},
	{"RunsListFilters", testRunsListFilters},
	{"RunLogs", testRunLogs},
	{"Artifacts", testArtifacts},
	{"EventsStream", testEventsStream},
	{"EventsResume", testEventsResume},
	{"EventsPollAndHeartbeat", testEventsPollAndHeartbeat},
	{"EventsClientDisconnect", testEventsClientDisconnect},
	{"Params", testParams},
	{"Secrets", testSecrets},
	{"Schedules", testSchedules},
	{"DecodeErrors", testDecodeErrors},
	{"RoutingErrors", testRoutingErrors},
	{"InternalErrors", testInternalErrors},
	{"RateLimits", testRateLimits},
	{"Health", testHealth},
	{"Session", testSession},
	{"Overview", testOverview},
	{"SchedulePreview", testSchedulePreview},
	{"Diff", testDiff},
}

func runSuite(t *testing.T, newConfig func(*testing.T) store.Config) {
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newConfig)
		})
	}
}

func TestSQLite(t *testing.T) {
	t.Parallel()
	runSuite(t, storetest.SQLite)
}

// TestPostgres needs a server: storetest.Postgres skips without one
// (and fails under CI=true).
func TestPostgres(t *testing.T) {
	t.Parallel()
	runSuite(t, storetest.Postgres(t))
}

// TestMain runs the package's tests and then, when the whole package ran,
// checks what they saw together: every route answered a 2xx at least
// once, and no response of any test contained any secret value.
func TestMain(m *testing.M) {
	global.hit = map[string]bool{}
	code := m.Run()
	if code == 0 && fullRun() {
		if problems := globalChecks(); len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(os.Stderr, "FAIL:", p)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// fullRun reports whether no -run or -skip filter narrowed the run.
func fullRun() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

func globalChecks() []string {
	global.mu.Lock()
	defer global.mu.Unlock()
	var problems []string
	var missing []string
	for _, rt := range (&API{}).routes() {
		if p := rt.method + " " + rt.path; !global.hit[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	for _, p := range missing {
		problems = append(problems, "no test got a 2xx from "+p)
	}
	if len(global.secrets) == 0 {
		problems = append(problems, "no test stored a secret")
	}
	for _, x := range global.exchanges {
		for _, s := range global.secrets {
			if bytes.Contains(x.body, []byte(s)) {
				problems = append(problems, fmt.Sprintf("%s %s: response contains a secret value", x.method, x.path))
			}
		}
	}
	return problems
}
