/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_SERVER_STATE_H
#define MARL_LB_SERVER_STATE_H

#include <cstdint>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief State of one application server (DIP) at one load balancer.
 *
 * Everything here is local to the load balancer: the on-going flow count covers only the flows
 * that this load balancer dispatched, which is the partial observation that the learning
 * agents have to overcome.
 */
struct ServerState
{
    uint64_t id{0};            //!< stable identifier: the server's IPv4 address as an integer
    double staticWeight{1.0};  //!< configured weight, proportional to the server's CPUs
    double weight{1.0};        //!< weight in effect for decisions
    uint32_t ongoingFlows{0};  //!< flows counted as on-going (first ACK seen, no FIN or RST)
    uint64_t assignedFlows{0}; //!< flows dispatched to this server since the start
};

} // namespace ns3

#endif // MARL_LB_SERVER_STATE_H
