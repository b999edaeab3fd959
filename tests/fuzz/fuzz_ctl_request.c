/*
 * libFuzzer target for the control protocol: arbitrary bytes, cut into
 * lines as the control server frames them, go through ctl_handle_request()
 * against a registry with ctl.help and two test commands.  Every reply must
 * be one line of valid JSON.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Ib2bua \
 *	tests/fuzz/fuzz_ctl_request.c b2bua/ctl_registry.c b2bua/ctl_help.c \
 *	-ljansson -o build-fuzz/fuzz_ctl_request
 *   build-fuzz/fuzz_ctl_request -max_total_time=30 tests/fuzz/corpus-ctl/
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_registry.h"

static int echo_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	(void)ctx;
	return ctl_reply_set_result(rep, json_deep_copy(params));
}

/* fails in the ways handlers do, chosen by the first param */
static int fail_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	const char *how = "";

	(void)ctx;
	ctl_param_string(params, 0, "how", &how);
	if (strcmp(how, "errno") == 0)
		return -EIO;
	if (strcmp(how, "nomem") == 0)
		return ctl_reply_set_result(rep, NULL);
	ctl_reply_set_result(rep, json_true());
	return ctl_reply_error(rep, CTL_ERR_FAILED, "failed: %s", how);
}

static struct ctl_registry *registry(void)
{
	static const struct ctl_command cmds[] = {
		{ "test.echo", "echo", "[WORD...]", "return the params",
		  0, CTL_ARGS_ANY, echo_handler, NULL },
		{ "test.fail", "fail", "[HOW]", "fail", 0, 1, fail_handler,
		  NULL },
	};
	struct ctl_registry *reg = ctl_registry_new();

	if (!reg || ctl_help_register(reg) < 0)
		abort();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (ctl_registry_add(reg, &cmds[i]) < 0)
			abort();
	}
	return reg;
}

/* one line in, at most one line of JSON out */
static void one_line(struct ctl_registry *reg, const char *line, size_t len)
{
	char *reply;
	json_t *v;

	if (ctl_handle_request(reg, line, len, &reply) < 0)
		return;
	if (!reply)
		return;
	if (strchr(reply, '\n'))
		abort();
	v = json_loads(reply, 0, NULL);
	if (!v || (!json_is_object(v) && !json_is_array(v)))
		abort();
	json_decref(v);
	free(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_registry *reg;
	const char *p = (const char *)data, *end = p + size, *nl;

	if (!reg)
		reg = registry();
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		one_line(reg, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}
