package userns

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseSubIDs(t *testing.T) {
	in := "# comment\nalice:100000:65536\nbob:165536:65536\n1001:300000:10\nbroken:x:1\n"
	got, err := ParseSubIDs(strings.NewReader(in), "bob", 1001)
	if err != nil {
		t.Fatal(err)
	}
	want := []Range{{165536, 65536}, {300000, 10}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestMapArgs_ContiguousFromOne(t *testing.T) {
	got := MapArgs(42, 1000, []Range{{100000, 65536}, {300000, 10}})
	want := []string{"42", "0", "1000", "1", "1", "100000", "65536", "65537", "300000", "10"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if Size([]Range{{100000, 65536}}) != 65537 {
		t.Fatal("size")
	}
}
