/*
 * Shared fixture of the flow-table unit tests (test_ft.c: shared-memory
 * names, test_ft_file.c: paths): attaching, and the checks both kinds of
 * table must pass.  The functions fail the running cmocka test instead of
 * returning errors.
 */
#ifndef FT_FIXTURE_H
#define FT_FIXTURE_H

#include <stdint.h>

#include "ft.h"

/* attach to table @name (a shared-memory name or a path) as @role */
struct ft *ftfx_attach(const char *name, uint32_t cap, enum ft_role role);

/* attaching to @name as @role fails with errno @err */
void ftfx_attach_fails(const char *name, uint32_t cap, enum ft_role role,
		       int err);

/*
 * An owner in a child process holds the table against a second owner;
 * killed by SIGKILL, it leaves no owner and a new one may attach.
 */
void ftfx_check_owner_killed(const char *name, uint32_t cap);

#endif
