/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_SED_POLICY_H
#define MARL_LB_SED_POLICY_H

#include "lb-policy.h"

#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Shortest expected delay: the server with the smallest (q + 1) / w.
 *
 * q is the number of on-going flows that this load balancer counts on the server and w the
 * server's weight in effect, as in the "sed" scheduler of Linux IPVS (ip_vs_sed.c). With
 * static weights proportional to CPUs this is the study's SED baseline; the learning methods
 * run the same rule with weights written by their agents.
 *
 * Real systems break ties differently, so the rule is an attribute. The default follows VPP's
 * load-balancer plugin as the authors modified it: the server that the consistent-hash table
 * proposed if it is among the minima, otherwise the first minimum in list order. The others
 * are the first minimum in list order (IPVS) and a uniform random choice (the authors' Python
 * simulator).
 */
class SedPolicy : public LbPolicy
{
  public:
    /// Tie-break rule for equal scores.
    enum TieBreak
    {
        TIE_BREAK_HASH_PROPOSED, //!< the proposed server if it is a minimum, else the first
        TIE_BREAK_FIRST,         //!< the first minimum in list order
        TIE_BREAK_RANDOM,        //!< a uniform choice among the minima
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SedPolicy();

    uint32_t SelectServer(const FlowKey& key,
                          uint32_t hashProposed,
                          const std::vector<ServerState>& servers) override;
    int64_t AssignStreams(int64_t stream) override;
    std::string GetName() const override;

  protected:
    /**
     * \brief Tells whether scores ignore the weights, taking every weight as 1 (LSQ).
     * \return false for SED
     */
    virtual bool IgnoresWeights() const;

  private:
    TieBreak m_tieBreak;                    //!< tie-break rule
    Ptr<UniformRandomVariable> m_tieRandom; //!< draws for TIE_BREAK_RANDOM
};

} // namespace ns3

#endif // MARL_LB_SED_POLICY_H
