/*
 * Shared fixture of the flow-table unit tests (ft_fixture.h): the same
 * rules hold for a table in shared memory and one in a file, so the
 * checks take the table's name and run on either.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ft_fixture.h"

struct ft *ftfx_attach(const char *name, uint32_t cap, enum ft_role role)
{
	struct ft *ft = ft_create_or_attach(name, cap, role);

	assert_non_null(ft);
	return ft;
}

void ftfx_attach_fails(const char *name, uint32_t cap, enum ft_role role,
		       int err)
{
	errno = 0;
	assert_null(ft_create_or_attach(name, cap, role));
	assert_int_equal(errno, err);
}

/* the owner dies however it dies: its OFD lock goes with it */
void ftfx_check_owner_killed(const char *name, uint32_t cap)
{
	struct ft *w = ftfx_attach(name, cap, FT_ROLE_WRITER);
	int pipefd[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ft *o = ft_create_or_attach(name, cap, FT_ROLE_OWNER);

		c = o ? 'y' : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	assert_int_equal(ft_owner_pid(w), pid);
	ftfx_attach_fails(name, cap, FT_ROLE_OWNER, EBUSY);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(ft_owner_pid(w), 0);
	ft_detach(ftfx_attach(name, cap, FT_ROLE_OWNER));
	close(pipefd[0]);
	close(pipefd[1]);
	ft_detach(w);
}
