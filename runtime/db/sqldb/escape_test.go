package sqldb

import "testing"

func TestEscapes(t *testing.T) {
	if got := escapeGlob("a*b?[c"); got != "a[*]b[?][[]c" {
		t.Error(got)
	}
	if got := escapeLike(`50%_\`); got != `50\%\_\\` {
		t.Error(got)
	}
}
