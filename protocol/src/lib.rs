//! Types of the Cairn backend HTTP API, shared by the language server's client and the
//! backend so the two cannot drift. Empty until the backend issue defines the API.
