package gql

import (
	"bytes"
	"reflect"
	"testing"
)

// variablesCases are request variables decodeVariables reads itself, hands
// to decode, or refuses.
var variablesCases = []string{
	`{"id":"abc","n":12,"f":-1.5e3,"b":true,"c":false,"z":null}`,
	`{"esc":"a\"b\\c\u00e9\ud83d\ude00\n"}`,
	"{\"bad\":\"\xff\xfe\"}",
	`{"nested":{"a":[1,"x",{"b":null}]},"list":[1,2]}`,
	`{"dup":"a","dup":"b"}`,
	` { "spaced" : "x" } `,
	`{}`, `null`, `[]`, `"x"`, `5`, `{"a":1} trailing`, `{"a":`, `{"a":01}`,
}

// TestDecodeVariables: whatever decodeVariables reads, it reads as decode
// (gqlgen's transports) does.
func TestDecodeVariables(t *testing.T) {
	read := 0
	for _, c := range variablesCases {
		if checkVariables(t, []byte(c)) {
			read++
		}
	}
	if read < 7 {
		t.Fatalf("decodeVariables read %d of the cases, want the 7 objects at least", read)
	}
}

func FuzzDecodeVariables(f *testing.F) {
	for _, c := range variablesCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkVariables(t, b) })
}

// checkVariables fails t when decodeVariables reads b other than decode;
// it reports whether decodeVariables read it.
func checkVariables(t *testing.T, b []byte) bool {
	got, err := decodeVariables(b)
	if err != nil {
		return false // left to gqlgen, whatever it makes of it
	}
	var want map[string]any
	if werr := decode(bytes.NewReader(b), &want); werr != nil {
		t.Fatalf("%q: read as %v, gqlgen's decoding fails: %v", b, got, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: read as %#v, gqlgen reads %#v", b, got, want)
	}
	return true
}
