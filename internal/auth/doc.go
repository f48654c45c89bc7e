// Package auth holds the credentials machinery: argon2id password hashes and
// the signed JWT access tokens, minted and parsed with every claim pinned. It
// knows the domain's Actor but nothing of HTTP.
package auth
