/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_WCMP_POLICY_H
#define MARL_LB_WCMP_POLICY_H

#include "alias-table.h"
#include "lb-policy.h"

#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief WCMP: a random server, drawn with probability proportional to its weight.
 *
 * Draws use the alias method, so a decision costs the same for any number of servers. With
 * static weights proportional to CPUs this is the study's WCMP; AWCMP is the same policy with
 * weights that a BusyWorkerProbe rewrites from the servers' busy workers.
 */
class WcmpPolicy : public LbPolicy
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    WcmpPolicy();

    uint32_t SelectServer(const FlowKey& key,
                          uint32_t hashProposed,
                          const std::vector<ServerState>& servers) override;
    void NotifyWeightsChanged(const std::vector<ServerState>& servers) override;
    int64_t AssignStreams(int64_t stream) override;
    std::string GetName() const override;

  private:
    AliasTable m_table;                  //!< alias table over the weights in effect
    Ptr<UniformRandomVariable> m_random; //!< draws for the alias table
};

} // namespace ns3

#endif // MARL_LB_WCMP_POLICY_H
