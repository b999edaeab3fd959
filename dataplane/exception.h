/*
 * Exception path: packets the dataplane does not handle go to the kernel
 * through one TAP interface per port, and what the kernel sends on that
 * TAP leaves by the port.  See exception.c for why and when.
 */
#ifndef SBC_DP_EXCEPTION_H
#define SBC_DP_EXCEPTION_H

struct dp_ctx;

/**
 * dp_exception_init - create and start the TAP of every port that wants one
 * @ctx: context whose ports are up (their MACs read) and pool created
 *
 * Fills ctx->exc[]; a port without one has exc[i].up false and its
 * exception traffic is dropped and counted (dp_drop_kernel).
 *
 * @return 0, or a negative errno when a wanted TAP cannot be created or
 * started (logged with the port and interface names).
 */
int dp_exception_init(struct dp_ctx *ctx);

/* dp_exception_uninit - stop and remove the TAPs; idempotent. */
void dp_exception_uninit(struct dp_ctx *ctx);

#endif
