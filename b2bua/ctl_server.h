/*
 * The control socket of sbcd: JSON-RPC 2.0 over a UNIX SOCK_STREAM socket,
 * served from the Sofia-SIP event loop (su_root) without ever blocking.
 *
 * Frame: one JSON text per line, in both directions.
 *
 *   client                                                  sbcd
 *     |  {"jsonrpc":"2.0","id":1,"method":"sbc.status"}\n  -->  |
 *     |  <--  {"jsonrpc":"2.0","id":1,"result":{...}}\n         |
 *
 *   +--------------------------------------------+----+
 *   | JSON text (UTF-8, no raw newline inside)   | \n |   one request
 *   +--------------------------------------------+----+
 *   |<-------- at most max_request bytes ------->|
 *
 * - A request is an object or a batch (an array of objects); the reply is
 *   one line in the same form.  Notifications (no "id") get no reply.
 *   Blank lines are ignored.  Replies come in request order, so a client
 *   may pipeline requests.
 * - A line that is not JSON is answered with -32700 and the connection goes
 *   on: the newline keeps the framing intact.
 * - A line longer than max_request is answered with -32003 and the
 *   connection is closed after the reply: the framing is lost.
 * - A connection beyond max_clients receives one -32002 error line and is
 *   closed.
 * - While a reply is not yet written out, the server reads no more from
 *   that client, so a client that never reads cannot make it buffer
 *   without bound.
 *
 * The socket file is created with mode 0660 (group access is the
 * permission check); an existing file there is replaced only if it is a
 * socket nobody answers on.  The directory must exist.
 *
 * Not thread-safe: call everything from the thread running the su_root.
 * This header includes <sofia-sip/su_wait.h>: a file that gives
 * SU_ROOT_MAGIC_T its own type must define it before including this one.
 */
#ifndef SBC_CTL_SERVER_H
#define SBC_CTL_SERVER_H

#include <stddef.h>

#include <sofia-sip/su_wait.h>

#include "ctl_registry.h"

struct ctl_server;

/**
 * ctl_server_new - listen on a control socket
 * @root: event loop to register the sockets with
 * @path: socket file path
 * @max_clients: connections served at once (>= 1)
 * @max_request: longest request line in bytes, without the newline (>= 1)
 * @reg: commands to dispatch to; must outlive the server
 *
 * Return: the server, or NULL with errno set: EINVAL (a zero limit),
 * ENAMETOOLONG (@path too long for a UNIX socket), EADDRINUSE (a process
 * answers on @path), EEXIST (@path exists and is not a socket), ENOMEM, or
 * an errno of socket(2), bind(2), listen(2) or su_root_register().
 */
struct ctl_server *ctl_server_new(su_root_t *root, const char *path,
				  unsigned max_clients, size_t max_request,
				  struct ctl_registry *reg);

/**
 * ctl_server_free - close every connection and remove the socket file
 * @srv: the server; NULL is accepted
 *
 * The file is removed only if it is still the socket this server created.
 */
void ctl_server_free(struct ctl_server *srv);

/* ctl_server_clients - number of connected clients (for status output). */
unsigned ctl_server_clients(const struct ctl_server *srv);

#endif
