/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_LB_POLICY_H
#define MARL_LB_LB_POLICY_H

#include "flow-key.h"
#include "server-state.h"

#include "ns3/object.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Base class of the per-flow dispatch policies (ECMP, SED, ...).
 *
 * The load balancer's data plane calls SelectServer() once per new flow, when its SYN
 * arrives, and keeps the answer in its flow table for the rest of the flow. A policy is chosen
 * by TypeId, like TCP congestion control, through the data plane's "Policy" attribute.
 */
class LbPolicy : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /**
     * \brief Chooses the server of a new flow.
     * \param key the flow
     * \param hashProposed the server that the consistent-hash table maps the flow to
     * \param servers every server of the pool, with this load balancer's counters
     * \return a position in \p servers
     */
    virtual uint32_t SelectServer(const FlowKey& key,
                                  uint32_t hashProposed,
                                  const std::vector<ServerState>& servers) = 0;

    /**
     * \brief Tells the policy that the servers or their weights in effect changed.
     *
     * The data plane calls it after a server is added and after new weights take effect.
     * \param servers every server, with the new weights
     */
    virtual void NotifyWeightsChanged(const std::vector<ServerState>& servers);

    /**
     * \brief Assigns fixed random variable streams to the policy's random variables.
     * \param stream first stream index to use
     * \return the number of streams used
     */
    virtual int64_t AssignStreams(int64_t stream);

    /// \return the policy's short name as the study spells it, such as "SED"
    virtual std::string GetName() const = 0;
};

} // namespace ns3

#endif // MARL_LB_LB_POLICY_H
