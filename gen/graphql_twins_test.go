package gen

import (
	"os"
	"strings"
	"testing"
)

// twinsBefore has two twins (argsPut is argsAdd), two methods that become
// twins once those are merged (ctxPut calls argsPut where ctxAdd calls
// argsAdd), a method value, a longer name, a name after another receiver,
// a method that differs by one character and a recursive one.
const twinsBefore = `package graphql

func (ec *executionContext) argsAdd(ctx context.Context) (map[string]any, error) {
	return ec.unmarshalTᚐInput(ctx, "input")
}

func (ec *executionContext) argsPut(ctx context.Context) (map[string]any, error) {
	return ec.unmarshalTᚐInput(ctx, "input")
}

var implementors = []string{"T"}

//go:noinline
func (ec *executionContext) ctxAdd(ctx context.Context) error {
	_, err := ec.argsAdd(ctx)
	return err
}

//go:noinline
func (ec *executionContext) ctxPut(ctx context.Context) error {
	_, err := ec.argsPut(ctx)
	return err
}

func (ec *executionContext) ctxDel(ctx context.Context) error {
	_, err := ec.argsDel(ctx)
	return err
}

func (ec *executionContext) callers(ctx context.Context) {
	f := ec.argsPut
	ec.argsPutAll(ctx)
	spec.argsPut(ctx)
	ec.ctxPut(ctx)
}

func (ec *executionContext) walk(n int) int {
	return ec.walk(n - 1)
}

func (ec *executionContext) walk2(n int) int {
	return ec.walk2(n - 1)
}
`

const twinsAfter = `package graphql

// argsAdd is also argsPut: their text was the same (bkgen merges twins).
func (ec *executionContext) argsAdd(ctx context.Context) (map[string]any, error) {
	return ec.unmarshalTᚐInput(ctx, "input")
}

var implementors = []string{"T"}

// ctxAdd is also ctxPut: their text was the same (bkgen merges twins).
//
//go:noinline
func (ec *executionContext) ctxAdd(ctx context.Context) error {
	_, err := ec.argsAdd(ctx)
	return err
}

func (ec *executionContext) ctxDel(ctx context.Context) error {
	_, err := ec.argsDel(ctx)
	return err
}

func (ec *executionContext) callers(ctx context.Context) {
	f := ec.argsAdd
	ec.argsPutAll(ctx)
	spec.argsPut(ctx)
	ec.ctxAdd(ctx)
}

func (ec *executionContext) walk(n int) int {
	return ec.walk(n - 1)
}

func (ec *executionContext) walk2(n int) int {
	return ec.walk2(n - 1)
}
`

// TestMergeTwins: twins are merged into the first, calls and method values
// follow, twins made by a merge are merged in turn, and nothing else moves:
// a recursive method names itself and so has no twin.
func TestMergeTwins(t *testing.T) {
	f := execFuncs([]byte(twinsBefore))
	f.mergeTwins()
	if got := string(f.join()); got != twinsAfter {
		t.Fatalf("merged:\n%s\nwant:\n%s", got, twinsAfter)
	}
}

// TestNoTwinsInExample: the committed exec.go (which the stale test keeps
// what bkgen writes) has no two methods alike left, and its twins of the
// example schema were merged (a gqlgen that writes each differently would
// fail here rather than grow the binary silently).
func TestNoTwinsInExample(t *testing.T) {
	exec, err := os.ReadFile("../generated/graphql/exec.go")
	if err != nil {
		t.Fatal(err)
	}
	f := execFuncs(exec)
	f.mergeTwins()
	if string(f.join()) != string(exec) {
		t.Error("generated/graphql/exec.go has twins left")
	}
	if !strings.Contains(string(exec), "// field_Mutation_addTodo_args is also field_Mutation_putTodo_args") {
		t.Error("the arguments of putTodo were not merged into addTodo's")
	}
}
