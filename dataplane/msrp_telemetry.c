/*
 * /sbc/msrp: the MSRP relay's counters on the DPDK telemetry socket.  See
 * msrp_telemetry.h.
 */
#include "msrp_telemetry.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "log.h"

/* the telemetry callback has no argument, hence this */
static struct {
	pthread_mutex_t lock;
	struct dp_msrp_relay *r;
	bool registered;
} tel = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int handle_msrp(const char *cmd __rte_unused,
		       const char *params __rte_unused, struct rte_tel_data *d)
{
	struct dp_msrp_stats s;
	int ret = 0;

	pthread_mutex_lock(&tel.lock);
	if (!tel.r) {
		ret = -ENODEV;
	} else {
		dp_msrp_relay_stats(tel.r, &s);
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_u64(d, "legs", s.legs);
		rte_tel_data_add_dict_u64(d, "connections", s.connections);
		rte_tel_data_add_dict_u64(d, "bound", s.bound);
		rte_tel_data_add_dict_u64(d, "messages", s.messages);
		rte_tel_data_add_dict_u64(d, "bytes", s.bytes);
		rte_tel_data_add_dict_u64(d, "refused", s.refused);
		rte_tel_data_add_dict_u64(d, "errors", s.errors);
		rte_tel_data_add_dict_u64(d, "bad_certs", s.bad_certs);
	}
	pthread_mutex_unlock(&tel.lock);
	return ret;
}

void dp_msrp_telemetry_set(struct dp_msrp_relay *r)
{
	pthread_mutex_lock(&tel.lock);
	if (!tel.registered &&
	    rte_telemetry_register_cmd("/sbc/msrp", handle_msrp,
				       "MSRP relay: legs, connections and "
				       "counters.  Takes no parameters.") < 0)
		log_warn("msrp: /sbc/msrp telemetry not registered");
	tel.registered = true;
	tel.r = r;
	pthread_mutex_unlock(&tel.lock);
}

void dp_msrp_telemetry_clear(struct dp_msrp_relay *r)
{
	pthread_mutex_lock(&tel.lock);
	if (tel.r == r)
		tel.r = NULL;
	pthread_mutex_unlock(&tel.lock);
}
