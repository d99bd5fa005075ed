// Package networkendpoint is the network-endpoint detector: it reports URLs
// and IP addresses newly added to key-handling, contract and deploy files,
// naming the host: a new endpoint there is how keys or funds leave.
// Loopback, documentation and allowed hosts are skipped; private and
// cluster-internal hosts are informational.
//
// Its cases are testdata/*.txtar (see package detectortest).
package networkendpoint
