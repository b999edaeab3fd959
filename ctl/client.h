/*
 * sbcctl's side of the control socket: connect to sbcd and make JSON-RPC
 * calls, one request line out and one reply line in (see docs/CONTROL.md).
 * Blocking I/O bounded by a timeout per call.
 */
#ifndef SBC_CTL_CLIENT_H
#define SBC_CTL_CLIENT_H

#include <jansson.h>

#define CTL_CLIENT_TIMEOUT_MS 30000	/* per send or receive */
#define CTL_CLIENT_MAX_REPLY (64u << 20)	/* bytes in one reply line */

struct ctl_client;

/* An error reply from the daemon. */
struct ctl_client_error {
	int code;		/* JSON-RPC error code */
	char message[4096];	/* room for a list of bad rows */
};

/**
 * ctl_client_connect - connect to the control socket
 * @path: socket path
 *
 * Return: the connection, or NULL with errno set (ENAMETOOLONG, ENOMEM, or
 * an errno of socket(2)/connect(2): ENOENT, ECONNREFUSED, EACCES...).
 */
struct ctl_client *ctl_client_connect(const char *path);

/* ctl_client_close - close the connection; accepts NULL. */
void ctl_client_close(struct ctl_client *c);

/**
 * ctl_client_call - call a method and wait for its reply
 * @c: the connection
 * @method: method name
 * @params: params (array or object), borrowed; NULL for none
 * @result: receives the result (a new reference; json null when the
 *	method returns nothing)
 * @err: receives the daemon's error
 *
 * A server error without id (too many clients, request too large) counts
 * as the reply.
 *
 * Return: 0 with *@result set; -EREMOTEIO with @err filled when the daemon
 * answered with an error; -ETIMEDOUT, -ECONNRESET, -EPIPE (connection
 * lost), -EPROTO (a reply that is not a JSON-RPC response to this call),
 * -EMSGSIZE (reply over CTL_CLIENT_MAX_REPLY), -ENOMEM.
 */
int ctl_client_call(struct ctl_client *c, const char *method,
		    const json_t *params, json_t **result,
		    struct ctl_client_error *err);

#endif
