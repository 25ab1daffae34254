/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_REALNET_TRACE_H
#define MARL_LB_REALNET_TRACE_H

#include "request-trace.h"

#include "ns3/nstime.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Slows a trace down and lightens its work, for a real testbed on one machine.
 *
 * The study's traces carry hundreds of requests per second of PHP work sized for servers with
 * 2 to 8 CPUs each. One machine that hosts the clients, the load balancer and every server
 * replays them at a few tens of requests per second, with less work per request. Request i
 * keeps its order: its time becomes timeScale times the original, and the loop count n of a
 * for-loop URL becomes round(workScale * n). Other URLs are unchanged. The real replayer and
 * the simulation of the comparison use the same function, so both replay the same requests.
 *
 * \param trace the trace
 * \param timeScale factor on the request times; must be positive (20 turns 400 requests/s
 *        into 20 requests/s)
 * \param workScale factor on the loop counts, in (0, 1]
 * \param duration requests at or after this scaled time are left out; zero keeps all
 * \return the scaled trace; stops the program if a factor is out of range
 */
RequestTrace ScaleTrace(const RequestTrace& trace,
                        double timeScale,
                        double workScale,
                        Time duration);

} // namespace ns3

#endif // MARL_LB_REALNET_TRACE_H
