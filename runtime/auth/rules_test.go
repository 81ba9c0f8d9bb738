package auth

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestPathRuleMemory: a rule answers as its regexp does whether it
// remembers the path or not, and what it remembers stays bounded however
// many and however long the paths clients invent.
func TestPathRuleMemory(t *testing.T) {
	r, err := compile("test", []string{"^/todo/(get|add)$", "^/x/"})
	if err != nil {
		t.Fatal(err)
	}
	remembered := func() (n int) {
		r.seen.Range(func(any, any) bool { n++; return true })
		return n
	}
	long := "/x/" + strings.Repeat("a", maxRememberedLen)
	for range 2 { // asked again: the same answers
		for path, want := range map[string]bool{"/todo/get": true, "/todo/del": false, long: true, "/" + long: false} {
			if got := match(r, path); got != want {
				t.Fatalf("%.20s…: %v, want %v", path, got, want)
			}
		}
	}
	if n := remembered(); n != 2 {
		t.Fatalf("%d paths remembered, want the 2 short ones", n)
	}
	// many goroutines inventing paths: the answers stay right, the memory bounded
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				if match(r, fmt.Sprintf("/x/%d-%d", g, i)) != true || match(r, fmt.Sprintf("/y/%d-%d", g, i)) != false {
					t.Errorf("a wrong answer for an invented path")
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := remembered(); n > maxRememberedPaths {
		t.Fatalf("%d paths remembered, more than %d", n, maxRememberedPaths)
	}
	if !match(r, "/todo/add") || match(r, "/todo/nope") {
		t.Fatal("wrong answers once the memory is full")
	}
	if match(nil, "/todo/get") {
		t.Fatal("no rule matched")
	}
}
