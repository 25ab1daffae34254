/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Every public header of the marl-lb module.

#ifndef MARL_LB_MODULE_H
#define MARL_LB_MODULE_H

#include "ns3/alias-table.h"
#include "ns3/apache-server.h"
#include "ns3/busy-worker-probe.h"
#include "ns3/comparison-table.h"
#include "ns3/ecmp-policy.h"
#include "ns3/episode-replay-buffer.h"
#include "ns3/experiment.h"
#include "ns3/flow-ecmp-routing.h"
#include "ns3/flow-key.h"
#include "ns3/flow-table.h"
#include "ns3/gre-header.h"
#include "ns3/gre-l4-protocol.h"
#include "ns3/http-trace-client.h"
#include "ns3/jct-summary.h"
#include "ns3/lb-agent.h"
#include "ns3/lb-data-plane.h"
#include "ns3/lb-policy.h"
#include "ns3/load-balancer.h"
#include "ns3/lsq-policy.h"
#include "ns3/maglev-table.h"
#include "ns3/marl-lb-application-helper.h"
#include "ns3/request-record.h"
#include "ns3/request-trace.h"
#include "ns3/request-work.h"
#include "ns3/reservoir-sampler.h"
#include "ns3/result-plots.h"
#include "ns3/result-store.h"
#include "ns3/reward-function.h"
#include "ns3/sed-policy.h"
#include "ns3/server-features.h"
#include "ns3/server-state.h"
#include "ns3/testbed-helper.h"
#include "ns3/vip-intercept-routing.h"
#include "ns3/wcmp-policy.h"

#endif // MARL_LB_MODULE_H
