package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/bkgen/bkgen/generated/server"
)

// BenchmarkAppGet is GET /todo/get through the whole binary in process: the
// application's middleware chain, its routing and net/http's server and
// client over loopback. BenchmarkRESTGet measures the
// generated handler alone; the difference is what the layers in front cost
// (with the client's share, the same in every run). It runs 32 clients at
// once, as bench/load does, so that ns/op is the two cores' work per request
// rather than loopback's latency; bench/load measures the same against a
// hand-written server.
func BenchmarkAppGet(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- server.App(nil).Run(ctx, []string{"-home", b.TempDir(), "-api-bind", "127.0.0.1", "-api-port", "0", "-log", "error", "-api-allow-path", "^/todo/(get|add)$"},
			io.Discard, io.Discard, func(a string) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case code := <-done:
		b.Fatalf("the app exited with %d", code)
	}
	b.Cleanup(func() {
		cancel()
		<-done
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	fetch := func(url string) ([]byte, error) {
		res, err := client.Get(url)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err == nil && res.StatusCode != 200 {
			err = fmt.Errorf("%s: %d %s", url, res.StatusCode, body)
		}
		return body, err
	}
	var row struct{ ID string }
	body, err := fetch(base + "/todo/add?name=bench&descr=d")
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(body, &row); err != nil || row.ID == "" {
		b.Fatalf("add: %v %q", err, row.ID)
	}
	url := base + "/todo/get?id=" + row.ID
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := fetch(url); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
