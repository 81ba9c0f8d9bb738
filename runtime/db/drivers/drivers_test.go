package drivers

import (
	"os/exec"
	"strings"
	"testing"
)

// offTags are the build tags that leave the AWS SDK and Redis out of a binary.
const offTags = "bk_nodynamodb,bk_nos3,bk_noredis"

// TestBuildTags checks that the tags keep the AWS SDK and the Redis clients
// out of the example application's binary (and that without them they are
// in, so that the check can fail), then runs the tests of the refusals
// (*Off) built with them.
func TestBuildTags(t *testing.T) {
	deps := func(tags string) string {
		out, err := exec.Command("go", "list", "-tags", tags, "-deps", "github.com/bkgen/bkgen/cmd/bkapp").CombinedOutput()
		if err != nil {
			t.Fatalf("go list -tags %q: %v\n%s", tags, err, out)
		}
		return string(out)
	}
	left := []string{"github.com/aws/aws-sdk-go-v2/", "github.com/aws/smithy-go", "github.com/redis/go-redis/", "github.com/hibiken/asynq"}
	all := deps("")
	for _, p := range left {
		if !strings.Contains(all, p) {
			t.Fatalf("without tags bkapp does not import %s: this test no longer checks it", p)
		}
	}
	for _, line := range strings.Split(deps(offTags), "\n") {
		for _, p := range left {
			if strings.HasPrefix(line, p) {
				t.Errorf("-tags %s: bkapp still imports %s", offTags, line)
			}
		}
	}
	out, err := exec.Command("go", "test", "-count=1", "-tags", offTags, "-run", "Off$", "-v",
		"github.com/bkgen/bkgen/runtime/db/drivers", "github.com/bkgen/bkgen/runtime/files", "github.com/bkgen/bkgen/runtime/cache",
		"github.com/bkgen/bkgen/runtime/pubsub", "github.com/bkgen/bkgen/runtime/jobs").CombinedOutput()
	if err != nil {
		t.Fatalf("go test -tags %s: %v\n%s", offTags, err, out)
	}
	for name, n := range map[string]int{"TestDynamoDBOff": 1, "TestS3Off": 1, "TestRedisOff": 3} { // cache, pubsub, jobs
		if got := strings.Count(string(out), "--- PASS: "+name); got != n {
			t.Errorf("%s passed %d times with -tags %s, want %d:\n%s", name, got, offTags, n, out)
		}
	}
}
