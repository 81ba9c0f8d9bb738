package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/bkgen/bkgen/tests/testenv"
)

// TestNamedPools: a table routed to a named pool by parameter keeps its rows
// in that database (a server whose default pool is that database sees
// them; the default pool does not), moves back when the parameter goes,
// shows in the metrics under its pool's name, and a route to a pool or a
// table that does not exist stops the server at start with a clear error.
func TestNamedPools(t *testing.T) {
	t.Parallel()
	pg := testenv.PgsqlSchema(t)
	dyn, prefix := testenv.DynamoURL(), testenv.DynamoPrefix(t)
	maria := testenv.MySQLDatabase(t)
	home := t.TempDir()
	named := []string{"-home", home,
		"-db-pgsql-pool-archive", pg, "-db-table-note", "archive",
		"-db-dynamodb-pool-fast", dyn, "-db-dynamodb-prefix", prefix, "-db-dynamodb-scan", "-db-table-stat", "fast",
		"-db-mysql-pool-maria", maria, "-db-table-bookmark", "maria",
		"-db-create-tables"}
	s := start(t, named...)
	want(t, s.postJSON("/note/add", map[string]any{"body": "kept in postgres"}), 200)
	want(t, s.postJSON("/stat/add", map[string]any{"owner_id": "o1", "name": "kept in dynamodb", "value": 1}), 200)
	want(t, s.get("/todo/add", q("name", "kept in sqlite")), 200)
	want(t, s.postJSON("/bookmark/add", map[string]any{"url": "https://kept.in/mariadb"}), 200)
	if r := s.get("/note/select", nil); r.num("count") != 1 {
		t.Fatalf("notes through the routed pool: %s", r.raw)
	}
	if r := s.get("/metrics", nil); !strings.Contains(r.raw, `pool="archive"`) || !strings.Contains(r.raw, `pool="fast"`) {
		t.Fatalf("no metrics of the named pools:\n%.2000s", r.raw)
	}

	// the rows are in their own databases
	inPg := start(t, "-home", t.TempDir(), "-db-pool", "pgsql", "-db-pgsql-pool", pg, "-db-create-tables")
	if r := inPg.get("/note/select", nil); r.num("count") != 1 || !strings.Contains(r.raw, "kept in postgres") {
		t.Fatalf("the note is not in PostgreSQL: %s", r.raw)
	}
	if r := inPg.get("/todo/select", nil); r.num("count") != 0 {
		t.Fatalf("a todo went to PostgreSQL: %s", r.raw)
	}
	inDyn := start(t, "-home", t.TempDir(), "-db-pool", "dynamodb", "-db-dynamodb-pool", dyn, "-db-dynamodb-prefix", prefix, "-db-dynamodb-scan", "-db-create-tables")
	if r := inDyn.get("/stat/select", q("owner_id", "o1")); r.num("count") != 1 {
		t.Fatalf("the stat is not in DynamoDB: %s", r.raw)
	}

	inMaria := start(t, "-home", t.TempDir(), "-db-pool", "mysql", "-db-mysql-pool", maria, "-db-create-tables")
	if r := inMaria.get("/bookmark/select", nil); r.num("count") != 1 || !strings.Contains(r.raw, "kept.in/mariadb") {
		t.Fatalf("the bookmark is not in MariaDB: %s", r.raw)
	}

	// without the parameter, note is the default pool's again: empty there
	s.cmd.Process.Signal(syscall.SIGTERM) // one server per home
	s.cmd.Wait()
	s2 := start(t, "-home", home)
	if r := s2.get("/note/select", nil); r.num("count") != 0 {
		t.Fatalf("note without -db-table-note: %s", r.raw)
	}
	if r := s2.get("/todo/select", nil); r.num("count") != 1 {
		t.Fatalf("the default pool's todo: %s", r.raw)
	}

	// a route to nowhere, or a pool that does not answer, stops the server
	// before it serves, with a message that names them
	for _, bad := range []struct {
		args []string
		says string
	}{
		{[]string{"-db-table-note", "nowhere"}, "table note is kept in pool"},
		{[]string{"-db-table-nosuch", "default"}, "there is no table nosuch"},
		{[]string{"-db-sqlite-pool-", "x"}, "unknown parameter"},
		{[]string{"-db-mysql-pool-down", "mysql://root@127.0.0.1:1/test"}, "pool down: db: mysql root@127.0.0.1:1/test"},
	} {
		out, err := exec.Command(bin, append([]string{"-home", t.TempDir(), "-api-port", "0"}, bad.args...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), bad.says) {
			t.Errorf("%v: %v\n%s", bad.args, err, out)
		}
	}
}
