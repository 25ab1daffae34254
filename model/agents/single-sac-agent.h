/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_SINGLE_SAC_AGENT_H
#define MARL_LB_SINGLE_SAC_AGENT_H

#include "sac-agent.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief RLB-S-SAC: a discrete SAC agent on the testbed's only load balancer, which sees
 * every flow and so has the global view.
 *
 * The agent stops the program at its start if its team has more than one agent.
 */
class SingleSacAgent : public SacAgent
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

  protected:
    void Setup() override;
};

} // namespace ns3

#endif // MARL_LB_SINGLE_SAC_AGENT_H
