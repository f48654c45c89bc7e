// Package transfer is the domain of techbridge: institutions, users and API
// clients, the rules of who may do what (Actor and the access rules), the
// error kinds every layer speaks, and the Service whose methods are the use
// cases. It knows nothing of HTTP or SQL; storage is reached through Store.
package transfer
