// Package attribution accepts the API's attribution events (sign-ups,
// purchases, refunds), makes them idempotent and durable in the store's
// outbox, delivers them to Partnero as the outbox's Sender, and reads
// customers' referral data from Partnero through a short-lived cache.
//
// It knows nothing of HTTP frameworks: the server's handlers pass it the
// request body and the program their token belongs to, and map the
// *apperr.Error values it returns onto responses.
package attribution
