package container

import (
	"reflect"
	"testing"
)

func TestParsePS_KeepsContainerRowsAndCommandSpaces(t *testing.T) {
	out := "UID          PID    PPID  C STIME TTY          TIME CMD\n" +
		"root           1       0  0 10:00 ?        00:00:01 /sbin/init\n" +
		"root         200     100  0 10:01 ?        00:00:00 sleep 300\n" +
		"root         201     200  0 10:01 ?        00:00:00 sh -c  echo  a\n"
	res, err := parsePS([]byte(out), []int{200, 201})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"root", "200", "100", "0", "10:01", "?", "00:00:00", "sleep 300"},
		{"root", "201", "200", "0", "10:01", "?", "00:00:00", "sh -c  echo  a"},
	}
	if !reflect.DeepEqual(res.Processes, want) || len(res.Titles) != 8 || res.Titles[1] != "PID" {
		t.Fatalf("parsePS: titles %q processes %q", res.Titles, res.Processes)
	}
}

func TestParsePS_NoPIDColumn(t *testing.T) {
	if _, err := parsePS([]byte("USER COMMAND\nroot init\n"), []int{1}); err == nil {
		t.Fatal("want an error without a PID column")
	}
}
