// Package networkendpoint is the network-endpoint detector: it reports URLs
// and IP addresses newly added to the code of key-handling, contract and
// deploy files, naming the host: a new endpoint there is how keys or funds
// leave. Key-handling code is the keys category and source files whose
// names say they handle keys (key_code_words: src/ecdsa_impl.h,
// wallet/session.rs); an outbound network call added there is high even
// when its host is not written out.
//
// Only code counts: comments (line, trailing and block comments of the
// file's language), documentation links (issues, docs pages, standards),
// licence headers, XML namespaces and schema ids are skipped. Loopback,
// documentation and allowed hosts are skipped too; well-known registries,
// code hosts and key services, and endpoints in tests, documentation,
// examples, vendored packages, asset folders and minified lines are low;
// private and cluster-internal hosts are informational.
//
// Its cases are testdata/*.txtar (see package detectortest).
package networkendpoint
