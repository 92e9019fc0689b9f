package e2e

import (
	"net/http"
	"testing"
)

// The registry fixture itself: later pull/push tests depend on it.
func TestRegistryFixture_ServesV2(t *testing.T) {
	get := func(r *LocalRegistry, user, pass string) int {
		req, _ := http.NewRequest("GET", "http://"+r.Addr+"/v2/", nil)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	open := startRegistry(t, RegistryOptions{})
	if c := get(open, "", ""); c != 200 {
		t.Fatalf("open registry /v2/: %d", c)
	}
	auth := startRegistry(t, RegistryOptions{Auth: true})
	if c := get(auth, "", ""); c != 401 {
		t.Fatalf("auth registry without credentials /v2/: %d, want 401", c)
	}
	if c := get(auth, auth.User, auth.Password); c != 200 {
		t.Fatalf("auth registry with credentials /v2/: %d, want 200", c)
	}
}
