package drivers

import (
	"os/exec"
	"strings"
	"testing"
)

// offTags are the build tags that leave the AWS SDK out of a binary.
const offTags = "bk_nodynamodb,bk_nos3"

// TestBuildTags checks that the tags keep the AWS SDK out of the example
// application's binary (and that without them it is in, so that the first
// check can fail), then runs the tests of the refusals (*Off) built with them.
func TestBuildTags(t *testing.T) {
	deps := func(tags string) string {
		out, err := exec.Command("go", "list", "-tags", tags, "-deps", "github.com/bkgen/bkgen/cmd/bkapp").CombinedOutput()
		if err != nil {
			t.Fatalf("go list -tags %q: %v\n%s", tags, err, out)
		}
		return string(out)
	}
	const sdk = "github.com/aws/aws-sdk-go-v2/"
	if !strings.Contains(deps(""), sdk) {
		t.Fatal("without tags bkapp does not import the AWS SDK: this test no longer checks anything")
	}
	for _, line := range strings.Split(deps(offTags), "\n") {
		if strings.HasPrefix(line, sdk) || strings.HasPrefix(line, "github.com/aws/smithy-go") {
			t.Errorf("-tags %s: bkapp still imports %s", offTags, line)
		}
	}
	out, err := exec.Command("go", "test", "-count=1", "-tags", offTags, "-run", "Off$", "-v",
		"github.com/bkgen/bkgen/runtime/db/drivers", "github.com/bkgen/bkgen/runtime/files").CombinedOutput()
	if err != nil {
		t.Fatalf("go test -tags %s: %v\n%s", offTags, err, out)
	}
	for _, name := range []string{"TestDynamoDBOff", "TestS3Off"} {
		if !strings.Contains(string(out), "--- PASS: "+name) {
			t.Errorf("%s did not run with -tags %s:\n%s", name, offTags, out)
		}
	}
}
