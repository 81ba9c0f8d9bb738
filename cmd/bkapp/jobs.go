package main

// This file is yours: bkgen created it once and never overwrites it.

// jobHandlers runs the background jobs of schema/ (generated/jobs.Handlers):
// one method per job, each in its own job_NAME.go file, which bkgen creates
// when a job is added to the schema. Give it what the jobs need (clients,
// settings) as fields.
type jobHandlers struct{}
