// Package names owns container names: Docker's random name generator
// (adjective_surname, as moby's namesgenerator) and the validation of
// user-given names with Docker's rule and error text.
package names
