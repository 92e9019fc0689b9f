// Package archtest enforces the package layering of nook in a test
// (`make check-imports`): a package may import only packages in strictly
// lower layers, plus internal/* from any layer; third-party modules are
// confined to the packages that own them. The table lives in rules.go and
// mirrors the README's architecture section. It has no non-test API
// anyone should import.
package archtest
