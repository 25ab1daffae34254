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
                          "How to choose among servers with equal (q + 1) / w: HashProposed "
                          "keeps the consistent-hash table's server if it is a minimum, else the "
                          "first minimum in list order (VPP); First takes the first minimum in "
                          "list order (IPVS); Random draws one of the minima.",
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

    // Scan in list order; the first strict minimum is IPVS's choice. Scores (q + 1) / w are
    // compared as products, without dividing.
    uint32_t best = count;
    double bestLoad = 0;   // q + 1 of the best server
    double bestWeight = 1; // w of the best server
    uint32_t ties = 0;
    for (uint32_t candidate = 0; candidate < count; ++candidate)
    {
        double weight = ignoreWeights ? 1.0 : servers[candidate].weight;
        if (weight <= 0)
        {
            continue;
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
    }
    if (best == count)
    {
        // Every weight is zero: no server can take the flow by this rule.
        return hashProposed;
    }
    if (m_tieBreak == TIE_BREAK_HASH_PROPOSED && ties > 1 && hashProposed < count)
    {
        // VPP keeps the server that its hash table proposed when that server is among the
        // minima, and otherwise the first minimum.
        double weight = ignoreWeights ? 1.0 : servers[hashProposed].weight;
        if (weight > 0
            && (servers[hashProposed].ongoingFlows + 1.0) * bestWeight == bestLoad * weight)
        {
            best = hashProposed;
        }
    }
    else if (m_tieBreak == TIE_BREAK_RANDOM && ties > 1)
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
