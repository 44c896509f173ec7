// Package athenasql runs the Athena SQL the pipeline ships on DuckDB, so
// that the views and queries are tested on a real SQL engine without AWS.
//
// It builds the tables from the same column definitions as the Glue tables
// (package glueschema), loads files the way Athena's SerDes read them
// (CloudTrail's {"Records":[...]} files, gzipped, with partitions projected
// from the key layout; receipts one JSON object per line), and defines a
// small shim of the Trino functions the shipped SQL uses (see shim.go). The
// statements themselves run unchanged.
//
// DuckDB needs cgo, so every file that imports it carries the cgo build
// constraint; the Lambda function and the Pulumi program never link it.
// What DuckDB cannot prove is that Athena accepts the grammar: .ci/run checks
// that separately with a Trino parser.
package athenasql
