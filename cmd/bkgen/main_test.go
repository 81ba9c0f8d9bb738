package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestCommandLine: flags go before or after a command's words, and an
// unknown flag or a surplus word is exit 2 naming what was meant.
func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"generate", "-schem", "x"}, 2, "did you mean -schema?"},
		{[]string{"check", "-q", "-otu", "x"}, 2, "did you mean -out?"},
		{[]string{"generate", "surplus"}, 2, `unexpected "surplus"`},
		{[]string{"generate", "-q", "-schema", "./nowhere", "surplus"}, 2, `unexpected "surplus"`},
		{[]string{"new", "app", "-dri", dir, "demo"}, 2, "did you mean -dir?"},
		{[]string{"new", "app", "demo", "-forec"}, 2, "did you mean -force?"},
		{[]string{"new", "app", "demo", "other"}, 2, `one MODULE, got "demo" and "other"`},
		// flags after MODULE apply: -dir is not empty, so without -force it stops
		{[]string{"new", "app", "demo", "-dir", "."}, 1, ". exists and is not empty"},
		{[]string{"new", "app", "-dir", ".", "demo"}, 1, ". exists and is not empty"},
		{[]string{"nwe"}, 2, `unknown command "nwe"`},
	} {
		var out, errb bytes.Buffer
		if code := run(c.args, &out, &errb); code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("bkgen %v: exit %d, %s", c.args, code, errb.String())
		}
	}
}
