/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "sed-policy.h"

#include "ns3/enum.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SedPolicy");

NS_OBJECT_ENSURE_REGISTERED(SedPolicy);

TypeId
SedPolicy::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SedPolicy")
            .SetParent<LbPolicy>()
            .SetGroupName("MarlLb")
            .AddConstructor<SedPolicy>()
            .AddAttribute("TieBreak",
                          "How to choose among servers with equal (q + 1) / w: the server the "
                          "consistent-hash table proposed (VPP), the first in list order "
                          "(IPVS), or a uniform random choice.",
                          EnumValue(SedPolicy::TIE_BREAK_HASH_PROPOSED),
                          MakeEnumAccessor(&SedPolicy::m_tieBreak),
                          MakeEnumChecker(SedPolicy::TIE_BREAK_HASH_PROPOSED,
                                          "HashProposed",
                                          SedPolicy::TIE_BREAK_FIRST,
                                          "First",
                                          SedPolicy::TIE_BREAK_RANDOM,
                                          "Random"));
    return tid;
}

SedPolicy::SedPolicy()
    : m_tieBreak(TIE_BREAK_HASH_PROPOSED),
      m_tieRandom(CreateObject<UniformRandomVariable>())
{
}

uint32_t
SedPolicy::SelectServer(const FlowKey& /* key */,
                        uint32_t hashProposed,
                        const std::vector<ServerState>& servers)
{
    NS_ASSERT_MSG(!servers.empty(), "SED policy called with no servers");
    const auto count = static_cast<uint32_t>(servers.size());
    const bool ignoreWeights = IgnoresWeights();

    // Scan in cyclic order from the first candidate, so that the first strict minimum found
    // is the tie-break winner for both deterministic rules. Scores (q + 1) / w are compared
    // as products, without dividing.
    uint32_t first =
        (m_tieBreak == TIE_BREAK_HASH_PROPOSED && hashProposed < count) ? hashProposed : 0;
    uint32_t best = count;
    double bestLoad = 0;   // q + 1 of the best server
    double bestWeight = 1; // w of the best server
    uint32_t ties = 0;
    auto consider = [&](uint32_t candidate) {
        double weight = ignoreWeights ? 1.0 : servers[candidate].weight;
        if (weight <= 0)
        {
            return;
        }
        double load = servers[candidate].ongoingFlows + 1.0;
        double lhs = load * bestWeight;
        double rhs = bestLoad * weight;
        if (best == count || lhs < rhs)
        {
            best = candidate;
            bestLoad = load;
            bestWeight = weight;
            ties = 1;
        }
        else if (lhs == rhs)
        {
            ++ties;
        }
    };
    for (uint32_t candidate = first; candidate < count; ++candidate)
    {
        consider(candidate);
    }
    for (uint32_t candidate = 0; candidate < first; ++candidate)
    {
        consider(candidate);
    }
    if (best == count)
    {
        // Every weight is zero: no server can take the flow by this rule.
        return hashProposed;
    }
    if (m_tieBreak == TIE_BREAK_RANDOM && ties > 1)
    {
        // Draw the k-th of the tied servers, in list order.
        auto pick = m_tieRandom->GetInteger(0, ties - 1);
        for (uint32_t candidate = 0; candidate < count; ++candidate)
        {
            double weight = ignoreWeights ? 1.0 : servers[candidate].weight;
            if (weight > 0
                && (servers[candidate].ongoingFlows + 1.0) * bestWeight == bestLoad * weight)
            {
                if (pick == 0)
                {
                    best = candidate;
                    break;
                }
                --pick;
            }
        }
    }
    NS_LOG_DEBUG("SED picks server " << best << " of " << count << " (" << ties << " tied)");
    return best;
}

int64_t
SedPolicy::AssignStreams(int64_t stream)
{
    m_tieRandom->SetStream(stream);
    return 1;
}

std::string
SedPolicy::GetName() const
{
    return "SED";
}

bool
SedPolicy::IgnoresWeights() const
{
    return false;
}

} // namespace ns3
