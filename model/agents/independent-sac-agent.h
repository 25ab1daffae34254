/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_INDEPENDENT_SAC_AGENT_H
#define MARL_LB_INDEPENDENT_SAC_AGENT_H

#include "sac-agent.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief RLB-I-SAC: one discrete SAC agent per load balancer, each learning from its own
 * observations and rewards only, with no traffic between the agents.
 */
class IndependentSacAgent : public SacAgent
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

} // namespace ns3

#endif // MARL_LB_INDEPENDENT_SAC_AGENT_H
