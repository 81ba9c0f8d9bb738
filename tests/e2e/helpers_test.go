package e2e

import (
	"encoding/json"
	"io"
	"strings"
)

func ioNop(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
